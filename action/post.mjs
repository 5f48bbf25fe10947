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
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive() && waited < 5_000; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
  process.stdout.write(`authctl: stopped the mock issuer (pid ${pid})\n`);
}
