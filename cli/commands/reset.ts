import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('reset', "Delete the project's local table state.", [
  '<%= config.bin %> reset',
]);
