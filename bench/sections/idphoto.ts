// Benchmark: end-to-end ID photo (decode -> face -> matte -> crop -> compliance -> exact JPEG)
// from a fixed 1-megapixel portrait, for ICAO 35x45 and the CN ID card (KB-band search), plus stages;
// default ('full') edges, and ICAO once more with 'fast' edges for the cost of the default.
import { join } from 'node:path';
import sharp from 'sharp';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { analyseFace } from '../../src/main/core/face/analyse-face';
import { decodeImage } from '../../src/main/core/image/decode';
import { encodeIdPhoto } from '../../src/main/core/idphoto/exact-file';
import { IdPhotoAnalyses, idPhotoToFile, makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { previewIdPhoto } from '../../src/main/core/idphoto/preview';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { ENGINE_OPS } from '../../src/main/engine/ops';
import type { BenchRow, BenchSection } from '../harness';

export const section: BenchSection = {
  id: 'idphoto',
  title: 'ID photo end to end from a 1 MP portrait (816×1224 JPEG), CPU',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const n = ctx.quick ? 3 : 10;
    const dir = ctx.tempDir('idphoto');
    const input = join(dir, 'portrait-1mp.jpg');
    await sharp(join(ctx.sharedDir, 'eval', 'id_portraits', 'images', 'hv_test1.jpg')).resize(816, 1224, { fit: 'cover' }).jpeg({ quality: 92 }).toFile(input);
    const lib = await SpecLibrary.load(specLibraryPath());
    const icao = lib.get('icao-35x45');
    const idCard = lib.get('cn-id-card');
    const image = await decodeImage(input);

    const face = await ctx.measure(() => analyseFace(image, ctx.env), { n });
    rows.push({ name: 'face: YuNet + PFLD-98 (decoded image)', ...face });
    const make = await ctx.measure(() => makeIdPhoto(image, { spec: icao }, ctx.env), { n });
    rows.push({ name: 'ICAO 35×45: face + matte + crop + report (decoded image)', ...make });
    const made = await makeIdPhoto(image, { spec: idCard }, ctx.env);
    const enc = await ctx.measure(() => encodeIdPhoto(made.image, { format: 'jpeg', dpi: 350, fileSizeKb: idCard.fileSizeKb }), { n });
    rows.push({ name: 'CN ID card: JPEG quality search into 14–20 KB', ...enc });
    const e2eIcao = await ctx.measure(() => idPhotoToFile(input, join(dir, 'icao.jpg'), { spec: icao }, ctx.env), { n });
    rows.push({ name: 'end to end, ICAO 35×45 JPEG file (target ≤ 300 ms), full edges (default)', ...e2eIcao });
    // The same with the guided filter, the default until the fifteenth session: what 'full' costs.
    const e2eFast = await ctx.measure(() => idPhotoToFile(input, join(dir, 'icao-fast.jpg'), { spec: icao, refine: 'fast' }, ctx.env), { n });
    rows.push({ name: 'end to end, ICAO 35×45 JPEG file, fast edges', ...e2eFast });
    const e2eId = await ctx.measure(() => idPhotoToFile(input, join(dir, 'id.jpg'), { spec: idCard }, ctx.env), { n });
    rows.push({ name: 'end to end, CN ID card 358×441 JPEG in the KB band', ...e2eId });
    // The workspace's live preview (the photo's file and its checks, no sheet): a new picture, then
    // a nudge on the same picture, which is placed on the analysis the first one made (face and matte).
    const previewOptions = (dyMm: number) => ({ spec: icao as never, nudge: { dyMm } });
    const fresh = await ctx.measure(() => previewIdPhoto(image, previewOptions(0.4), ctx.env), { n });
    rows.push({ name: 'live preview, ICAO 35×45: a new picture (face, matte, placement, file)', ...fresh });
    const analyses = new IdPhotoAnalyses(2);
    await previewIdPhoto(image, previewOptions(0), ctx.env, {}, { analyses, sourceKey: input });
    // Each nudge a place not asked before (the last four places' mattes are kept for colours).
    let round = 0;
    const nudged = await ctx.measure(() => previewIdPhoto(image, previewOptions(0.02 + 0.04 * (++round % 20)), ctx.env, {}, { analyses, sourceKey: input }), { n });
    rows.push({ name: 'live preview, ICAO 35×45: a nudge on the same picture', ...nudged, note: `${Math.round((100 * nudged.medianMs) / fresh.medianMs)} % of a new picture's, same rounds` });
    // Another background colour at the same place: composed on the matte placed there (five
    // colours in turn: a photo reaching past the picture keeps four of its colours' mattes).
    const colours = ['#ffffff', '#438edb', '#d93a3a', '#f0f0f0', '#dbe9f4'];
    const recoloured = await ctx.measure(() => previewIdPhoto(image, { ...previewOptions(0), background: colours[++round % colours.length] }, ctx.env, {}, { analyses, sourceKey: input }), { n });
    rows.push({ name: 'live preview, ICAO 35×45: another background colour, same place', ...recoloured, note: `${Math.round((100 * recoloured.medianMs) / fresh.medianMs)} % of a new picture's, same rounds` });
    // Another Brightness at the same place: composed as a colour is (a quarter stop at a time).
    const brightened = await ctx.measure(() => previewIdPhoto(image, { ...previewOptions(0), brightnessEv: 0.25 * (1 + (++round % 8)) }, ctx.env, {}, { analyses, sourceKey: input }), { n });
    rows.push({ name: 'live preview, ICAO 35×45: another brightness, same place', ...brightened, note: `${Math.round((100 * brightened.medianMs) / fresh.medianMs)} % of a new picture's, same rounds` });
    // The workspace's Export: the engine's job after its preview, on the picture and analysis the preview made.
    const engine = { env: ctx.env, tempDir: dir };
    await ENGINE_OPS.previewIdPhoto({ path: input, options: { spec: icao as never, background: '#ffffff' } }, engine, {});
    const exported = await ctx.measure(() => ENGINE_OPS.runJob({ kind: 'idphoto', input, output: join(dir, 'exported.jpg'), options: { spec: icao as never, background: '#ffffff' } }, engine, {}), { n });
    rows.push({ name: "Export in the workspace, ICAO 35×45 JPEG file: on its preview's picture and analysis", ...exported, note: `${Math.round((100 * exported.medianMs) / e2eIcao.medianMs)} % of end to end above` });
    return rows;
  },
};
