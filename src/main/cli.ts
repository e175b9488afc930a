// Entry point of `cutout` when run from source (`tsx src/main/cli.ts ...`). Node only.
import { main } from './cli/index';

void main();
