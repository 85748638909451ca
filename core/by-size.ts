/**
 * Items in groups of about `max` by `size`, in order, each in as few calls as a request limit
 * allows; an item larger than `max` goes in a group of its own.
 */
export function bySize<T>(items: readonly T[], size: (item: T) => number, max: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const s = size(item);
    if (group.length > 0 && bytes + s > max) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += s;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
