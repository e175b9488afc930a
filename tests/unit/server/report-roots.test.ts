// cutout serve: the folders a browser's batch report says its inputs from.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportRootsOf } from '../../../src/main/server/serve-app';

describe('reportRootsOf', () => {
  const uploads = '/srv/cutout/uploads';
  const exports = '/home/me/Cutout Studio';

  it("takes each upload's own top folder, the exports folder for a file made there, and nothing for other paths", () => {
    const roots = reportRootsOf(
      [join(uploads, 'folder-1a2b', 'photos'), join(uploads, 'folder-1a2b', 'photos', 'a.jpg'), join(uploads, '9f8e', 'b.jpg'), join(exports, 'c_cutout.png'), '/etc/passwd', 42],
      uploads,
      [exports],
    );
    expect(roots).toEqual([join(uploads, 'folder-1a2b'), join(uploads, '9f8e'), exports]);
  });

  it('the uploads folder itself is no upload', () => {
    expect(reportRootsOf([uploads, `${uploads}-other/x.jpg`], uploads, [])).toEqual([]);
  });
});
