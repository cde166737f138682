// Names and shared state of one run: checks hand each other image tags and
// containers through the run's state map, under these keys.
import type { CheckContext } from "../types.ts";
import type { RunningContainer } from "../docker/run.ts";

export function imageTag(ctx: CheckContext, name: string): string {
  return `podlings/${ctx.exercise.id}-${name}:${ctx.runId}`.toLowerCase();
}

export function setImage(ctx: CheckContext, name: string, tag: string): void {
  ctx.state.set(`image:${name}`, tag);
}

export function getImage(ctx: CheckContext, name: string): string {
  const tag = ctx.state.get(`image:${name}`);
  if (typeof tag !== "string") throw new Error(`no image "${name}" was built in this run (check the exercise's needs)`);
  return tag;
}

export function setContainer(ctx: CheckContext, name: string, c: RunningContainer): void {
  ctx.state.set(`container:${name}`, c);
}

export function getContainer(ctx: CheckContext, name: string): RunningContainer {
  const c = ctx.state.get(`container:${name}`);
  if (!c) throw new Error(`no container "${name}" runs in this run (check the exercise's needs)`);
  return c as RunningContainer;
}

export function containerName(ctx: CheckContext, name: string): string {
  return `podlings-${ctx.exercise.id}-${name}-${ctx.runId}`.toLowerCase();
}
