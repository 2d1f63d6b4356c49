import { describe, expect, it } from 'vitest';
import { insertMention, matchUsers, mentionAt, plainMentions, splitMentions } from './mentions';

const users = [
  { id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'u2', name: 'Grace Hopper', email: 'grace@example.com' },
  { id: 'u3', name: 'Alan Turing', email: 'turing@example.org' },
];

describe('mentions', () => {
  it('finds the mention being typed, not e-mail addresses', () => {
    expect(mentionAt('hello @gra', 10)).toEqual({ start: 6, query: 'gra' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('@Ada Lo', 7)).toEqual({ start: 0, query: 'Ada Lo' });
    expect(mentionAt('mail bob@exa', 12)).toBeNull();
    expect(mentionAt('done. ', 6)).toBeNull();
  });
  it('matches names by any word and e-mails, best first', () => {
    expect(matchUsers(users, 'a').map((u) => u.id)).toEqual(['u1', 'u3']);
    expect(matchUsers(users, 'hop').map((u) => u.id)).toEqual(['u2']);
    expect(matchUsers(users, 'turing@').map((u) => u.id)).toEqual(['u3']);
    expect(matchUsers(users, 'zzz')).toEqual([]);
  });
  it('inserts a token and renders it back as @Name', () => {
    const r = insertMention('hi @gra and', 3, 7, users[1]);
    expect(r.text).toBe('hi @[Grace Hopper](user:u2) and');
    expect(r.caret).toBe('hi @[Grace Hopper](user:u2) '.length);
    expect(splitMentions(r.text)).toEqual(['hi ', { id: 'u2', label: 'Grace Hopper' }, ' and']);
    expect(plainMentions(r.text)).toBe('hi @Grace Hopper and');
  });
});
