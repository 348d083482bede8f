import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('models', "List the project's models.", ['<%= config.bin %> models']);
