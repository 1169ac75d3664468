/** Where sibling values sit: one enum, array (or one field across an array of struct literals), match, ... */
export type ContainerKind = 'enum' | 'array' | 'match' | 'constants' | 'union' | 'object';

/** One value of a container, with the line (1-based) it is written on. */
export interface ContainerValue {
  value: string;
  line: number;
}

/**
 * A set of sibling values in one source file: enum variants, the strings of an array, one field of
 * an array of struct/object literals (`PRESETS[].slug`), match arms, string constants, a union of
 * string literals, object keys. `key` names it stably across two versions of the file.
 */
export interface Container {
  key: string;
  kind: ContainerKind;
  /** What one value is, in words: "model preset", "`ReasoningEffort` variant", "value". */
  noun: string;
  /** Variant names are spelled in code case: compare them case- and separator-insensitively. */
  fuzzy: boolean;
  values: ContainerValue[];
}

/** Collects containers by key: the same key twice (two arrays in one function) is one set of siblings. */
export class Containers {
  private readonly byKey = new Map<string, Container>();
  add(key: string, kind: ContainerKind, noun: string, fuzzy: boolean, values: ContainerValue[]) {
    if (values.length === 0) return;
    const existing = this.byKey.get(key);
    if (existing) existing.values.push(...values);
    else this.byKey.set(key, { key, kind, noun, fuzzy, values: [...values] });
  }
  list = () => [...this.byKey.values()];
}
