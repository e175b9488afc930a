// API area "jobs": startJob / cancelJob / pauseJob / resumeJob on the JobRegistry. Main process; Node only.
import { stat } from 'node:fs/promises';
import type { AppApi } from '../../../shared/api';
import type { JobSpec } from '../../../shared/jobs';
import type { ApiDeps } from './deps';
import { expectObject, expectString, expectStringArray } from './validate';

/** Checks the shape every JobSpec shares; the kind's own options are checked by its pipeline. */
export function validateJobSpec(value: unknown): JobSpec {
  const spec = expectObject(value, 'job');
  const kind = expectString(spec.kind, 'job.kind');
  if ('inputs' in spec) expectStringArray(spec.inputs, 'job.inputs');
  else expectString(spec.input, 'job.input');
  if ('outputDir' in spec) expectString(spec.outputDir, 'job.outputDir');
  else expectString(spec.output, 'job.output');
  // Absent is none; null is not (it passed, and the job failed as INTERNAL reading its fields).
  expectObject(spec.options === undefined ? {} : spec.options, 'job.options');
  return { ...spec, kind } as JobSpec;
}

/** Those of `paths` that are folders now (one gone or unreadable is not). */
async function foldersOf(paths: readonly string[]): Promise<string[]> {
  const isFolder = await Promise.all(paths.map((p) => stat(p).then((s) => s.isDirectory(), () => false)));
  return paths.filter((_, i) => isFolder[i]);
}

/** startJob, cancelJob, pauseJob, resumeJob, listJobs. */
export function createJobsArea(deps: ApiDeps): Pick<AppApi, 'startJob' | 'cancelJob' | 'pauseJob' | 'resumeJob' | 'listJobs'> {
  return {
    async startJob(spec) {
      return deps.jobs.start(validateJobSpec(spec));
    },
    async cancelJob(id) {
      deps.jobs.cancel(expectString(id, 'jobId'));
    },
    async pauseJob(id) {
      deps.jobs.pause(expectString(id, 'jobId'));
    },
    async resumeJob(id) {
      deps.jobs.resume(expectString(id, 'jobId'));
    },
    async listJobs() {
      return Promise.all(deps.jobs.list().map(async (job) => ({ ...job, folders: job.spec.kind === 'batch' ? await foldersOf(job.spec.inputs) : [] })));
    },
  };
}
