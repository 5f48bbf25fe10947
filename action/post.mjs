// The GitHub Action's post step: stops the issuer main.mjs started (its pid is in the step state,
// which the runner passes as STATE_issuer_pid), at the end of the job, pass or fail.
const pid = Number(process.env.STATE_issuer_pid);
const alive = () => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

if (Number.isInteger(pid) && pid > 0 && alive()) {
  const gone = async (ms) => {
    for (let waited = 0; alive() && waited < ms; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
  };
  process.kill(pid, 'SIGTERM');
  await gone(5_000);
  // A killed process lingers until it is reaped: the step ends once it is gone (the port is free).
  if (alive()) process.kill(pid, 'SIGKILL');
  await gone(2_000);
  process.stdout.write(`authctl: stopped the mock issuer (pid ${pid})\n`);
}
