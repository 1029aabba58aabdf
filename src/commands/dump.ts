/**
 * DUMP and RESTORE (serialized values in Redis's RDB payload format). (Filled in by the
 * RDB work.)
 */

import type { CommandSpec } from './types.js';

export const commands: CommandSpec[] = [];
