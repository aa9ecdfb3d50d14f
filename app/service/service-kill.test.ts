import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { killScenarioTests, type KillFace } from '../actions/test-support/kill-scenarios.js';
import { killTracked } from '../actions/test-support/processes.js';
import { createHealthMonitor } from '../health/monitor.js';
import { createHarbormasterService } from './create-service.js';
import type { HarbormasterService } from './types.js';

// The service API the window (and tray) call: the kill dialog can stay open for minutes, so the
// facts are checked when the user confirms, not when the dialog opened (issue 9 item 2).

describe.runIf(process.platform === 'linux')('service.kill acts only on facts checked after yes', () => {
  let service: HarbormasterService;
  let face: KillFace;
  beforeAll(async () => {
    // Probe nothing: other test files count the connections their servers receive.
    const monitor = createHealthMonitor({ selfPid: process.pid });
    service = await createHarbormasterService({
      health: { ...monitor, observe: () => undefined },
      killRespawnWindowMs: 5000,
    });
    face = {
      // What the window shows: the snapshot it was pushed when the dialog opened.
      snapshot: () => service.getSnapshot(),
      async kill(request, whileConfirming) {
        await whileConfirming();
        return service.kill(request);
      },
    };
  });
  afterAll(async () => {
    await service?.dispose();
  });
  afterEach(() => killTracked());

  // `face` is made in beforeAll: hand the scenarios a face that reads it when they run.
  killScenarioTests({ snapshot: () => face.snapshot(), kill: (r, w) => face.kill(r, w) });
});
