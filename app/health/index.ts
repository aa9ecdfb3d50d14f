// The health module's public surface: probing policy, one-shot probes, the background monitor.
export { recogniseBanner, type BannerInfo } from './banner.js';
export {
  createHealthMonitor,
  sameHealth,
  type CheckOptions,
  systemClock,
  type HealthMonitor,
  type HealthMonitorOptions,
  type MonitorClock,
  type ProbeFn,
} from './monitor.js';
export {
  choosePlan,
  debuggerPorts,
  DEFAULT_BANNER_MS,
  WEB_BANNER_MS,
  looksLikeNonHttpDaemon,
  looksLikeWebServer,
  type PlanOptions,
  type ProbePlan,
  type ProbeStep,
} from './policy.js';
export { hostPort, probeHost } from './probe-address.js';
export {
  PROBE_DEADLINE_MS,
  PROBE_USER_AGENT,
  probeListener,
  runPlan,
  type ProbeOptions,
  type RunPlanOptions,
} from './probe.js';
export { describeSent } from './sent.js';
export { READ_CAP_BYTES } from './socket-reader.js';
export { summarizeHealth } from './summary.js';
export { extractTitle, sanitizeText } from './text.js';
