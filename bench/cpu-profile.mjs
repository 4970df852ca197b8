// Preloaded into every Node process of the platform by `npm run bench -- order --profile` and `idle --profile`
// (NODE_OPTIONS="--import ..."; Node 20 refuses --cpu-prof there): profiles the process from start to exit with V8's sampling profiler and writes
// CPU.<stamp>.<pid>.cpuprofile into BENCH_CPU_PROFILE_DIR, the same file `--cpu-prof` would write.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  // SIGUSR2 starts the profile afresh (what came before is dropped): the idle bench sends it when its window opens,
  // so an idle profile holds the idle window, not the start-up.
  process.on("SIGUSR2", () => {
    session.post("Profiler.stop", () => session.post("Profiler.start"));
  });
  process.once("exit", () => {
    // A session on the process's own thread answers synchronously, so this runs before the process is gone.
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      const stamp = new Date().toISOString().replace(/[-:.TZ]/g, "").slice(0, 14);
      writeFileSync(join(dir, `CPU.${stamp.slice(0, 8)}.${stamp.slice(8)}.${process.pid}.0.001.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
