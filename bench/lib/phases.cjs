// Preload for bench/startup-phases.mjs: when the phases of one authctl start begin and end, on its
// own timeline (performance.now()), written as one JSON line to $AUTHCTL_PHASES_FILE at exit. It
// hooks fs.readFileSync (src/cli/hot-loader.ts reads the hot file and each cold file with it),
// vm.Script (the end of each file's module body), the first require of node:crypto and, through
// an observer, the garbage collection pauses. No V8 flag (--trace-gc, say): a flag changes V8's
// flag hash, and every code cache, Node's own for its built-in modules and authctl's, would be
// rejected. The hooks cost each phase a little: the phases tell where a start goes, they are not a
// target.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const vm = require('node:vm');
const { PerformanceObserver } = require('node:perf_hooks');

const started = performance.now();
const marks = { started };
const distFile = (file, dir) => String(file).replace(/\\/g, '/').includes(`/dist/${dir}/`);

const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  const at = performance.now();
  if (String(file).endsWith('.cjs')) {
    if (distFile(file, 'cli') && String(file).endsWith('main.cjs')) marks.hot ??= at;
    if (distFile(file, 'cold')) marks.cold ??= at;
  }
  return readFileSync.call(this, file, ...rest);
};

// A cold file's phase ends when its module body has run: hot-loader.ts calls the function
// runInThisContext returns (a cold file that requires another runs that one's inside its own).
const Script = vm.Script;
vm.Script = function (code, options) {
  const script = new Script(code, options);
  const hot = options && distFile(options.filename, 'cli');
  if (!hot && !(options && distFile(options.filename, 'cold'))) return script;
  const run = script.runInThisContext;
  script.runInThisContext = function (...args) {
    const wrapper = run.apply(this, args);
    return function (...inputs) {
      const result = wrapper.apply(this, inputs);
      marks[hot ? 'hotEnd' : 'coldEnd'] = performance.now();
      return result;
    };
  };
  return script;
};

const load = Module.prototype.require;
Module.prototype.require = function (id) {
  if ((id !== 'node:crypto' && id !== 'crypto') || marks.crypto !== undefined)
    return load.call(this, id);
  const at = performance.now();
  const exports = load.call(this, id);
  marks.crypto = performance.now() - at;
  return exports;
};

// Garbage collection pauses, as V8 reports them to an observer a turn after each pause: the exit
// the command asks for is put off for a few milliseconds, after its own timeline ended, so that
// the last pauses arrive (the phases above are timestamps taken before).
marks.gc = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) marks.gc += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
const exit = process.exit;
process.exit = function (code) {
  marks.exit ??= performance.now();
  setTimeout(() => exit.call(process, code), 5);
};

process.on('exit', () => {
  marks.exit ??= performance.now();
  fs.appendFileSync(process.env.AUTHCTL_PHASES_FILE, `${JSON.stringify(marks)}\n`);
});
