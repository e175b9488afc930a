// Entry point of `cutout` when run as `tsx src/main/cli.ts ...`. Node only. `npx cutout` and
// `npm run cutout` go through bin/cutout.mjs instead (tsx's loader in this process): tsx's own
// command relays a Ctrl+C and kills the CLI about 30 ms later when it has not exited, which cut a
// busy batch off before it wrote its report (exit 130, no report, its lock left).
import { main } from './cli/index';

void main();
