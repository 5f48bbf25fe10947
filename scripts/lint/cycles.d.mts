// Types for the tests that import the cycle finder (cycles.mjs).
export type ImportGraph = Map<string, string[]>;
export function sourceFiles(dir?: string): string[];
export function importGraph(files: string[]): ImportGraph;
export function findCycles(graph: ImportGraph): string[][];
export function sampleCycle(graph: ImportGraph, component: string[]): string[];
