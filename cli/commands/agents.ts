import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('agents', "List the project's agents.", ['<%= config.bin %> agents']);
