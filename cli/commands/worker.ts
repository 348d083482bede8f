import { projectCommand } from '../../generator/project/command.js';

export default projectCommand(
  'worker',
  'Run a worker of the project (its agents, tables, timers and services).',
  ['<%= config.bin %> worker', '<%= config.bin %> worker --allow-stale'],
);
