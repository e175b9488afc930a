// ONNX Runtime's own telemetry, switched off. Its Linux build (1.29 on) sends session telemetry
// (each model's name and hashes) to Microsoft unless ORT_DISABLE_TELEMETRY is set when the native
// library loads (it stays off by itself only under a CI service: CI, GITHUB_ACTIONS … set), and
// leaves an empty mat-debug-PID.log in the temp folder per process. The native
// library reads the process environment: a worker thread's process.env is a copy it never sees, so
// the thread that starts the engine's worker sets it first (engine/host.ts), as loadOrt does for
// the thread that loads ONNX Runtime itself. Core (no electron); imports nothing of ONNX Runtime.

/** Sets ORT_DISABLE_TELEMETRY=1 unless the user set it (to anything). */
export function disableOrtTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}
