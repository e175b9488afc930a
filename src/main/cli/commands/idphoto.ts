// `cutout idphoto`: ID photos by spec, with a JSON compliance report and optional print sheet
// (PNG/JPEG/PDF). Node only (imports core, never electron).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, isCancellation } from '../../../shared/errors';
import { evText, ID_PHOTO_REFINE, parseBrightness, parseTurn, turnedText } from '../../../shared/jobs';
import { failedCheckWords, fileSizeAdvice, isKbBandBothWays, isPaddedUnderCeiling, withFileSizeBand } from '../../../shared/idphoto-report';
import { throwIfAborted } from '../../core/abort';
import { colourInFileName } from '../../../shared/colour-words';
import { checkIdPhotoOutput, idPhotoBackground, idPhotoToFile, type IdPhotoResult } from '../../core/idphoto/make-id-photo';
import { BACKGROUND_COLOUR_MAX_DE, failedChecks, isColourLostToJpeg, nearestAllowedDeltaE } from '../../core/idphoto/compliance';
import { checkPhotoSheet, checkSheetOutput, layoutSharedSheet, MAX_SHEET_COPIES, parsePaper, renderSheetPdf, renderSheetRaster, sheetFormatOf, sheetPathOf } from '../../core/idphoto/print-sheet';
import { SpecLibrary } from '../../core/idphoto/spec';
import { assertSeparateOutputs, writeFileAtomic } from '../../core/io/atomic-write';
import { ENGINE_FLAGS, envFromFlags, projectResourcesDir } from '../cli-env';
import { asUsage, checkedAsUsage, checkOutputFile, type CliCommand, intFlag, kbFlag, noteProviderFallback, planOutputs, filesThere, writtenOverText, refineFlag, UsageError, outFlag, fileFailureLine, namingFile, checkInputs } from '../command';

/** Path of the built-in spec library. */
export function specLibraryPath(): string {
  return join(projectResourcesDir(), 'specs', 'id-photo-specs.json');
}

/** Refusals that are about the picture given, whose sentences do not name it. */
const PICTURE_REFUSALS = new Set<string>(['NO_FACE', 'MULTIPLE_FACES', 'FACE_CUT_OFF', 'FACE_NOT_UPRIGHT', 'TOO_TIGHT']);

/** `cutout idphoto`. */
export const idphotoCommand: CliCommand = {
  name: 'idphoto',
  summary: 'make ID photos by spec (crop, background, report, print sheet)',
  usage: `cutout idphoto IN... [--spec icao-35x45|cn-1inch|一寸|...] -o OUT.jpg|.png [--bg blue|white|red|grey|'#RRGGBB'] [--kb MIN-MAX] [--report FILE.json]
    [--sheet 6inch|5inch|5r|a4|a5|letter|WxH [--dpi 300|254|600] [--sheet-out FILE.png|.jpg|.pdf] [--copies N]]
    [--face N] [--brightness EV|auto] [--turn 90|180|270|auto] [--refine off|fast|full] [--trimap FILE.png] [--spec-file MORE.json] [--list-specs] [--provider auto|cpu|webgpu|...] [--threads N]
  OUT is a .jpg or .png file for one input, a folder for several (each named NAME_SPEC.jpg, or NAME_SPEC_COLOUR.jpg
  where the spec lists several colours: a_cn-1inch_id-blue.jpg, a_cn-1inch_white.jpg, a_icao-35x45_2e7d32.jpg).
  --spec: an id from --list-specs, or a size's name (一寸, 1寸, 小二寸, 社保卡); it defaults to icao-35x45.
  --refine defaults to full (no halo on the new background; fast is about 0.1 s quicker a photo).
  --kb MIN-MAX: the file size an upload form asks for, in KB (20-50; 50 is at most 50, 20- at least
  20), in place of the spec's own band: the JPEG's quality is chosen to fit it, and it lands inside
  whether the form counts 1000 or 1024 bytes to a KB (a band under 2.4 % wide, as 49-50, holds
  no size of both: it is met in KB of 1024 bytes, and said). A PNG is measured against it.
  The spec's band, if it has one, applies without --kb (cn-id-card: 14-20).
  --trimap: a touched-up trimap at the portrait's size (0 background, 128 unknown, 255 foreground,
  64 as the engine would make it; as \`cutout portrait --trimap\` takes), e.g. old background painted away from the hair; one input
  only; it is solved with full edges.
  The report holds every measurement with its band and pass flag; a photo that fails its spec is
  written, and its line names the failed checks. A picture that ends at the shoulders or chest
  closer than the size needs (a square US 2x2 is wide there) has its clothes carried on past its
  edge, at most a sixth of the photo's shorter side, and its line says how far; tighter,
  TOO_TIGHT. A closed mouth is checked where the spec asks for one (documents but the US: lips
  apart by over 10 % of the mouth's width, a smile that shows the teeth, fail). Open eyes are
  checked for documents (either eye's lids apart by under 13 % of its width, a blink or eyes
  cast down, fail; a half-closed eye or a wink can pass), and that they look at the camera
  (pupils over 12 % of an eye's width off its middle, a glance to the side, fail). Even lighting
  is checked for documents (one cheek lit over 1.5 EV more than the other, a shadow side,
  fails), and so is glare (over 2 % of the face burnt out to white by a flash or a lamp's
  reflection, on the skin or on glasses, fails). Not checked: glasses, eyes looking up or down,
  the rest of the expression, shadows that fall on both sides alike, hands or things in front
  of the person (a microphone, a phone), and that it is a recent photo of the person: check these yourself.
  --sheet WxH is in mm (90x60), in cm or inches with "cm" or "in" (9x13cm, 5x7in), or in inches as a lab says
  it (4x6, 5x7, 8x10); a print sold in cm (9x13, 10x15, 13x18 ...) and any other size of 14 or less are given with a unit.
  --copies: photos on the sheet (default: as many as fit).
  The sheet goes beside the photo in its format (one.jpg -> one_sheet.jpg) unless --sheet-out names it;
  with several inputs, all their photos share the first one's sheet evenly (--copies of each, or as
  many as fit shared), and any that do not fit are named.
  --face N: in a group photo, the face to use, numbered from the left from 1 as the app's face
  buttons are (without it, a picture with several faces is refused with MULTIPLE_FACES).
  --brightness EV: the person lighter or darker, -2 to 2 [0] (--brightness 1 lighter,
  --brightness=-1 darker): EV stops of light in the darkest tones, less towards the light ones, so
  nothing burns out; the background keeps its colour. For a face too dark (or too light) for the
  face brightness check. --brightness auto mends only a photo whose face that check finds too dark
  or too light, by the least quarter-EV step that makes it pass, and leaves every other as it is
  (its line says the EV it took): for a folder of photos taken in different light.
  --turn 90|180|270: the picture turned clockwise before it is used, for one lying on its side or
  upside down with no orientation tag (refused as FACE_NOT_UPRIGHT, which says the turn); --turn
  auto turns only such a picture, by the turn it would name (its line says so). A --trimap is the
  picture's as given, turned with it.
  Exit code: 0 every photo made and meeting its spec, 1 some could not be made, 3 all made but some
  fail their spec, 2 a wrong command line.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        spec: { type: 'string', default: 'icao-35x45' },
        bg: { type: 'string' },
        report: { type: 'string' },
        sheet: { type: 'string' },
        'sheet-out': { type: 'string' },
        dpi: { type: 'string' },
        copies: { type: 'string' },
        face: { type: 'string' },
        brightness: { type: 'string' },
        turn: { type: 'string' },
        kb: { type: 'string' },
        refine: { type: 'string' },
        trimap: { type: 'string' },
        'spec-file': { type: 'string', multiple: true },
        'list-specs': { type: 'boolean' },
        ...ENGINE_FLAGS,
      },
    });
    // A --spec-file that is no spec file (not JSON, no "specs", a spec it cannot take, an id given
    // twice) is a wrong command line, exit 2, as a --strokes file that is not JSON is (it exited 1).
    const library = await SpecLibrary.load(specLibraryPath(), values['spec-file'] ?? []).catch((error: unknown) => {
      throw asUsage(error);
    });
    if (values['list-specs']) {
      for (const s of library.list()) io.out(`${s.id.padEnd(28)} ${s.widthMm}x${s.heightMm} mm ${s.widthPx}x${s.heightPx} px @${s.dpi}  crown-chin ${s.crownChinMm.join('-')} mm  ${s.name}`);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`No input images. Usage: ${this.usage}`);
    checkInputs(positionals, io.err);
    values.out = outFlag(values.out, 'OUT (a file for one input, a folder for several)');
    const refine = refineFlag(values.refine ?? ID_PHOTO_REFINE);
    if (values.trimap && positionals.length > 1) throw new UsageError('--trimap works with a single input');
    if (values.trimap && refine !== 'full') io.err(`note: a touched-up trimap is solved with full edges; --refine ${refine} is not used`);
    const kb = kbFlag(values.kb);
    const listed = checkedAsUsage(() => library.get(values.spec!));
    // A band asked for takes the place of the spec's own: it is the spec the photo is made and checked by.
    const spec = withFileSizeBand(listed, kb);
    for (const flag of ['dpi', 'copies', 'sheet-out'] as const) {
      if (values[flag] !== undefined && !values.sheet) throw new UsageError(`--${flag} is the print sheet's: it goes with --sheet${flag === 'dpi' ? ` (the photo has its spec's ${spec.dpi} dpi)` : ''}`);
    }
    const dpi = intFlag(values.dpi, 'dpi', 300)!;
    const copies = intFlag(values.copies, 'copies', 0)!;
    if (copies < 0 || copies > MAX_SHEET_COPIES) throw new UsageError(`--copies must be 0 (as many as fit) to ${MAX_SHEET_COPIES}, got ${copies}`);
    const paper = values.sheet ? checkedAsUsage(() => parsePaper(values.sheet!)) : undefined;
    // Numbered from 1 on the command line, as in the app; the engine counts from 0.
    const face = intFlag(values.face, 'face', undefined, { min: 1 });
    const faceIndex = face === undefined ? undefined : face - 1;
    const brightnessEv = values.brightness === undefined ? undefined : checkedAsUsage(() => parseBrightness(values.brightness, '--brightness'));
    const turn = values.turn === undefined ? undefined : checkedAsUsage(() => parseTurn(values.turn, '--turn'));
    const env = envFromFlags(values);
    const bgHex = checkedAsUsage(() => idPhotoBackground(values.bg, spec));
    if (values.bg !== undefined && nearestAllowedDeltaE(spec, bgHex) > BACKGROUND_COLOUR_MAX_DE) {
      io.err(`note: ${values.bg} is not a background ${spec.id} allows (${spec.background.allowed.join(', ')}): the photos will fail its background colour check`);
    }
    // Into a folder, each photo is named by its spec ("a_us-2x2.jpg"), one input or several, and by its
    // colour where the spec lists several ("a_cn-1inch_id-blue.jpg"), as the app names it: a blue and
    // a white photo of one size into one folder were the same file.
    const outputs = await planOutputs(positionals, values.out, spec.format === 'png' ? 'png' : 'jpg', `_${spec.id}${colourInFileName(spec.background.allowed, bgHex)}`);
    for (const output of outputs) checkedAsUsage(() => checkIdPhotoOutput(output));
    // Beside the (first) photo in its format, as a batch names it: one.jpg -> one_sheet.jpg.
    const sheetOut = paper ? (values['sheet-out'] ?? sheetPathOf(outputs[0])) : undefined;
    if (sheetOut) checkedAsUsage(() => checkSheetOutput(sheetOut));
    // A sheet that cannot be made (its dpi, its size in pixels, a photo that does not fit on the paper) is refused before any photo is written.
    if (paper && sheetOut) {
      checkedAsUsage(() => checkPhotoSheet(spec, { paper, dpi, copies, format: sheetFormatOf(sheetOut) }));
      if (sheetFormatOf(sheetOut) === 'pdf') {
        // A PDF places each photo's own pixels at its size in mm: the printer's dpi is not the file's (it was taken unsaid).
        if (values.dpi !== undefined) io.err(`note: a PDF sheet holds each photo's own pixels (${spec.dpi} dpi) at its size in mm, for any printer: --dpi is for a PNG or JPEG sheet`);
      } else if (![254, 300, 600].includes(dpi)) io.err(`note: printer dpi ${dpi} is unusual (254, 300 or 600 are common)`);
    }
    // Nothing read is written over, and no written file over another (a --report named as the photo:
    // a wrong command line, exit 2; an input named as an output is OUTPUT_EXISTS, 1).
    const written = (sheet: string | undefined) => [
      ...outputs.map((path) => ({ path, what: '-o' })),
      ...(values.report ? [{ path: values.report, what: '--report' }] : []),
      ...(sheet ? [{ path: sheet, what: values['sheet-out'] ? '--sheet-out' : 'the print sheet' }] : []),
    ];
    const read = [...positionals, ...(values.trimap ? [values.trimap] : []), ...(values['spec-file'] ?? [])];
    await assertSeparateOutputs(written(sheetOut), read).catch((error: unknown) => {
      throw asUsage(error);
    });
    if (values.report) await checkOutputFile(values.report);
    // A --sheet-out elsewhere is checked as -o is (one into a read-only folder was found after the photos were made).
    if (paper && values['sheet-out']) await checkOutputFile(values['sheet-out']);
    // The photos and the sheet (beside the first photo made) a file stands at already.
    const there = filesThere([...outputs, ...(paper ? [...(sheetOut ? [sheetOut] : []), ...outputs.map(sheetPathOf)] : [])]);
    const reports: unknown[] = [];
    const made: IdPhotoResult[] = [];
    /** The inputs of `made`, in its order. */
    const madeFrom: string[] = [];
    /** Whether each of `made` meets its spec. */
    const madePass: boolean[] = [];
    let failures = 0;
    let specFailures = 0;
    for (let i = 0; i < positionals.length; i++) {
      try {
        const r = await idPhotoToFile(positionals[i], outputs[i], { spec, background: values.bg, refine, faceIndex, trimapPath: values.trimap, brightnessEv, turn }, env, { signal: io.signal });
        made.push(r.result);
        madeFrom.push(positionals[i]);
        // The sheet prints the photo as made: its file's own checks (KB band, the JPEG's colour) are not its.
        madePass.push(r.madeReport.pass);
        reports.push({ input: positionals[i], output: r.output, bytes: r.bytes, quality: r.quality, modelId: r.result.modelId, provider: r.result.provider, brightnessEv: r.result.brightnessEv, turnDeg: r.result.turnDeg, ...r.report });
        const m = r.report.measurements;
        const failed = failedChecks(r.report);
        if (failed.length > 0) specFailures++;
        io.out(`${positionals[i]} -> ${r.output} (${spec.widthPx}x${spec.heightPx} @${spec.dpi} dpi, ${(r.bytes / 1024).toFixed(1)} KB, crown-chin ${m.crownChinMm.value} mm, ${r.result.turnDeg ? `${turnedText(r.result.turnDeg)}, ` : ''}${m.bodyCarriedMm ? `clothes carried ${m.bodyCarriedMm.value} mm past the picture, ` : ''}${brightnessEv === 'auto' && r.result.brightnessEv !== 0 ? `brightness auto ${evText(r.result.brightnessEv)}, ` : ''}${r.report.pass ? 'PASS' : `FAIL: ${failed.map(failedCheckWords).join('; ')}`}, ${r.result.modelId} on ${r.result.provider}, ${r.timings.totalMs.toFixed(0)} ms${writtenOverText(r.output, there)})`);
        if (i === 0) noteProviderFallback(io, values.provider, r.result.provider);
        // A band met only by a coarse JPEG (1-2 KB: quality 5) is said: the form may refuse what it
        // shows. One no JPEG of the spec's pixels can meet says the least its ceiling must allow.
        const advice = spec.fileSizeKb ? fileSizeAdvice(r.quality, r.report.measurements.fileSizeKb) : null;
        if (advice?.kind === 'over') {
          io.err(`note: ${r.output} cannot be made ${advice.maxKb} KB or less: at ${spec.widthPx}x${spec.heightPx} px even a JPEG of quality ${advice.quality} of 100 is ${advice.smallestKb} KB, so the band cannot be met at this size: check the band and the photo size the form asks for (--spec)`);
        } else if (advice?.kind === 'blocky') {
          io.err(`note: to be at most ${spec.fileSizeKb![1]} KB, ${r.output} is a JPEG of quality ${advice.quality} of 100: look at it before sending it, it may be too blocky to be accepted`);
        }
        // A band too narrow for both readings of a KB is met in KB of 1024 bytes: said (it passed unsaid).
        if (spec.fileSizeKb && !isKbBandBothWays(spec.fileSizeKb)) {
          io.err(`note: no file is ${spec.fileSizeKb[0]}–${spec.fileSizeKb[1]} KB both when a KB is 1000 bytes and when it is 1024: ${r.output} is ${r.bytes} bytes, inside the band in KB of 1024 bytes (${(r.bytes / 1024).toFixed(2)} KB; ${(r.bytes / 1000).toFixed(2)} KB of 1000): ask a band at least 2.4 % wide to meet both`);
        }
        // A floor even the best JPEG is under is met with padding: said, as the form may measure the picture, not the file.
        if (r.paddingBytes > 0) {
          io.err(`note: at its best quality${isPaddedUnderCeiling(r.quality) ? ` under the ${spec.fileSizeKb![1]} KB ceiling` : ''} (${r.quality}) ${r.output} is ${((r.bytes - r.paddingBytes) / 1024).toFixed(1)} KB; it was raised to the ${spec.fileSizeKb![0]} KB floor with ${(r.paddingBytes / 1024).toFixed(1)} KB of padding (a JPEG comment, which shows nothing): a form that asks for so many KB usually means a larger photo (--spec)`);
        }
        // A colour the photo had and its squeezed JPEG lost: said with its cause (a --bg would not fix it).
        if (isColourLostToJpeg(r)) {
          io.err(`note: the photo's background is ${spec.name}'s colour, but at JPEG quality ${r.quality} (to fit the KB band) the file's is ${r.report.measurements.backgroundColourDeltaE.value} ΔE off it: allow a larger --kb band`);
        }
        // Offices that take files take the spec's format: a PNG asked for by name is written, and said.
        if (spec.format === 'jpeg' && /\.png$/i.test(r.output)) io.err(`note: ${spec.name} asks for a JPEG file; ${r.output} is a PNG (name it .jpg for the file to send)`);
      } catch (e) {
        // Ctrl+C stops the run (exit 130), not only this photo.
        if (isCancellation(e)) throw e;
        failures++;
        const err = e as AppError;
        // The engine's words are the app's too; on the command line, say how to pick a face.
        const count = (err.detail as { count?: number } | undefined)?.count;
        if (err.code === 'MULTIPLE_FACES') err.message += ` Pick one with --face N: 1 is the leftmost of the ${count ?? 'several'}.`;
        // A picture lying on its side: the flag that turns it here.
        else if (err.code === 'FACE_NOT_UPRIGHT') err.message = `${err.message.replace(/\.$/, '')}, or give --turn ${(err.detail as { turnDeg?: number } | undefined)?.turnDeg ?? 'auto'}.`;
        // A face past the last: said in --face's numbers, not the engine's.
        else if (err.code === 'INVALID_ARGUMENT' && face !== undefined && count !== undefined) err.message = `--face ${face}: the picture has ${count === 1 ? '1 face' : `${count} faces`} (1 is the leftmost).`;
        reports.push({ input: positionals[i], error: { code: err.code ?? 'INTERNAL', message: err.message, detail: err.detail } });
        if (positionals.length === 1 && !values.report) {
          // Said with the file, as with several inputs (the engine's sentences rarely name it).
          if (err instanceof AppError && PICTURE_REFUSALS.has(err.code)) err.message = namingFile(err.message, positionals[i]);
          throw e;
        }
        io.err(fileFailureLine(err, positionals[i]));
      }
    }
    let sheetReport: { output: string; paperMm: [number, number]; dpi: number | null; photos: number; copiesEach: number; inputs: string[]; leftOff: string[]; failingSpec: string[] } | null = null;
    // The report is written even when the sheet fails (a full disk): the photos it reports are there.
    const writeReport = async (): Promise<void> => {
      if (!values.report) return;
      const sheet = sheetReport ? { sheet: sheetReport } : {};
      const body = positionals.length === 1 ? { ...(reports[0] as object), ...sheet } : { spec: spec.id, results: reports, ...sheet };
      await writeFileAtomic(values.report, JSON.stringify(body, null, 2) + '\n');
    };
    if (paper && sheetOut && made.length > 0) {
      // Named after the first photo made: after a first input that failed, the sheet bore the
      // name of a photo that is not there. (Checked as the first one's was.)
      const firstMade = outputs[positionals.indexOf(madeFrom[0])];
      const sheetPath = values['sheet-out'] || firstMade === outputs[0] ? sheetOut : sheetPathOf(firstMade);
      try {
        if (sheetPath !== sheetOut) await assertSeparateOutputs(written(sheetPath), read);
        // Several photos share the sheet evenly (each the copies asked, or as many as fit), none left off unsaid.
        const { layout, each, people } = layoutSharedSheet({ widthMm: spec.widthMm, heightMm: spec.heightMm }, made.length, copies, paper);
        const images = made.map((m) => m.image);
        // Ctrl+C while the sheet renders (a 600-dpi A4 takes seconds) writes no sheet: it was written, exit 0.
        throwIfAborted(io.signal);
        const format = sheetFormatOf(sheetPath);
        const bytes = format === 'pdf' ? await renderSheetPdf(layout, images) : await renderSheetRaster(layout, images, dpi, format);
        throwIfAborted(io.signal);
        await writeFileAtomic(sheetPath, bytes, { signal: io.signal });
        const n = layout.photos.length;
        const shared = made.length > 1 ? `: ${each} each of ${people} people` : '';
        const short = copies > each ? (made.length > 1 ? `; ${copies} each were asked for, ${each} each fit` : `; ${copies} were asked for, ${n} fit`) : '';
        io.out(`sheet -> ${sheetPath} (${n} photo${n === 1 ? '' : 's'} on ${layout.widthMm}x${layout.heightMm} mm${shared}${short}${writtenOverText(sheetPath, there)})`);
        const left = madeFrom.slice(people);
        if (left.length > 0) {
          io.err(`note: ${people} photos of this size fit on one sheet, so ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} not on it: make a sheet of ${left.length === 1 ? 'it' : 'them'} with another run`);
        }
        // A photo that fails its spec is on the sheet as it is written: said, so it is not printed unawares.
        const failing = madeFrom.slice(0, people).filter((_, k) => !madePass[k]);
        if (failing.length > 0 && made.length > 1) {
          io.err(`note: ${failing.join(', ')} ${failing.length === 1 ? 'is' : 'are'} on the sheet but fail${failing.length === 1 ? 's' : ''} ${spec.name}, as said above: leave ${failing.length === 1 ? 'it' : 'them'} out and run again for a sheet of photos that pass`);
        }
        // The report says what the line says: where the sheet is, on what paper, whose photos and how many.
        const isPdf = /\.pdf$/i.test(sheetPath);
        sheetReport = { output: sheetPath, paperMm: [layout.widthMm, layout.heightMm], dpi: isPdf ? null : dpi, photos: n, copiesEach: each, inputs: madeFrom.slice(0, people), leftOff: left, failingSpec: failing };
      } catch (error) {
        await writeReport();
        throw error;
      }
    }
    await writeReport();
    return failures > 0 ? 1 : specFailures > 0 ? 3 : 0;
  },
};
