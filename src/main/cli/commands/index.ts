// The registry of `cutout` sub-commands: each feature adds its command module here. Node only.
import type { CliCommand } from '../command';
import { batchCommand } from './batch';
import { animeCommand, portraitCommand } from './cutout';
import { benchCommand } from './bench';
import { evalCommand } from './eval';
import { idphotoCommand } from './idphoto';
import { modelsCommand } from './models';
import { serveCommand } from './serve';
import { stickerCommand } from './sticker';
import { trainingDataCommand } from './training-data';

/** Every sub-command, in the order `cutout --help` lists them. */
export const COMMANDS: CliCommand[] = [portraitCommand, animeCommand, modelsCommand, idphotoCommand, evalCommand, benchCommand, batchCommand, stickerCommand, serveCommand, trainingDataCommand];
