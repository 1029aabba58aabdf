/**
 * generic commands. (Filled in by the work on this command group.)
 */

import type { CommandSpec } from './types.js';

export const commands: CommandSpec[] = [];
