// The app page carries two Content-Security-Policies: the <meta> in index.html and the header the
// desktop protocol and `cutout serve` send. A browser applies both, so a source one of them leaves
// out is blocked (the meta once lacked media-src, and a WebM sticker's blob: preview never played).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/platform/csp';
import { REPO_ROOT } from '../../helpers/env';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name, sources]));
}

describe('Content-Security-Policy', () => {
  it("the page's <meta> allows every source the header allows (frame-ancestors only works as a header)", () => {
    const html = readFileSync(join(REPO_ROOT, 'src', 'renderer', 'index.html'), 'utf8');
    const meta = directives(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1]);
    const header = directives(CONTENT_SECURITY_POLICY);
    for (const [name, sources] of header) {
      if (name === 'frame-ancestors') continue;
      expect(meta.get(name) ?? meta.get('default-src'), name).toEqual(expect.arrayContaining(sources));
    }
    expect(header.get('media-src')).toContain('blob:');
  });
});
