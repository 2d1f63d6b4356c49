// The records a user opened last (this browser only), for the search palette.
export interface RecentItem {
  object: string;
  id: string;
  title: string;
}

const KEY = 'rapport.recent';
const MAX = 8;

export function readRecent(): RecentItem[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.id === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function pushRecent(item: RecentItem): void {
  try {
    const list = [item, ...readRecent().filter((x) => !(x.id === item.id && x.object === item.object))].slice(0, MAX);
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Private mode or storage full: recent items are a convenience.
  }
}
