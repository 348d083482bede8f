import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('topics', "List the project's topics.", ['<%= config.bin %> topics']);
