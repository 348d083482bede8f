import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('send', 'Send a record to a topic or agent of the project.', [
  '<%= config.bin %> send payments --key acct-1 \'{"id": "p1"}\'',
]);
