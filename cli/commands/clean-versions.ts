import { projectCommand } from '../../generator/project/command.js';

export default projectCommand('clean-versions', 'Delete local table state of older app versions.', [
  '<%= config.bin %> clean-versions',
]);
