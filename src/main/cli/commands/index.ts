// The registry of `cutout` sub-commands: each feature adds its command module here. Node only.
import type { CliCommand } from '../command';
import { animeCommand, portraitCommand } from './cutout';
import { evalCommand } from './eval';
import { modelsCommand } from './models';

/** Every sub-command, in the order `cutout --help` lists them. */
export const COMMANDS: CliCommand[] = [portraitCommand, animeCommand, modelsCommand, evalCommand];
