import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('tables', "List the project's tables.", ['<%= config.bin %> tables']);
