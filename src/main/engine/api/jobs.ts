// API area "jobs": startJob / cancelJob / pauseJob / resumeJob on the JobRegistry. Main process; Node only.
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

/** startJob, cancelJob, pauseJob, resumeJob. */
export function createJobsArea(deps: ApiDeps): Pick<AppApi, 'startJob' | 'cancelJob' | 'pauseJob' | 'resumeJob'> {
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
  };
}
