/** `faustgen genrate`: names the closest command instead of oclif's bare "command not found". */
import type { Hook } from '@oclif/core';
import { closestName } from '../../runtime/core/index.js';

const hook: Hook.CommandNotFound = async function (options) {
  const commands = options.config.commands.filter((command) => !command.hidden).map((command) => command.id);
  const typed = options.id.split(':').join(' ');
  const suggestion = closestName(options.id, commands);
  const bin = options.config.bin;
  this.error(
    suggestion !== undefined
      ? `'${typed}' is not a ${bin} command; did you mean '${suggestion}'? (see ${bin} --help)`
      : `'${typed}' is not a ${bin} command; see ${bin} --help`,
    { exit: 2 },
  );
};

export default hook;
