import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, cStoi, type ClientCommand } from '../../src/client-protocol/commands.js';

test('frames of both client versions -> typed commands', async (t) => {
  const cases: Array<[string, string, ClientCommand]> = [
    ['subscription list', 'subscription\nweb_chat\ntrack_online', { kind: 'subscription', args: 'web_chat\ntrack_online' }],
    ['empty subscription', 'subscription', { kind: 'subscription', args: '' }],
    ['web_pipe2 from web_pipe_send', 'web_pipe2\nweb_chat\nnewMsg\n*\n{"text":"hi"}', { kind: 'web_pipe2', pipe: 'web_chat', event: 'newMsg', authType: '*', message: '{"text":"hi"}' }],
    ['web_pipe2 message keeps its LFs', 'web_pipe2\nweb_x\ne\n*\na\nb\n', { kind: 'web_pipe2', pipe: 'web_x', event: 'e', authType: '*', message: 'a\nb\n' }],
    ['web_pipe2 with event undefined', 'web_pipe2\nweb_x\nundefined\n*\n1', { kind: 'web_pipe2', pipe: 'web_x', event: 'undefined', authType: '*', message: '1' }],
    ['web_pipe2 empty event', 'web_pipe2\nweb_x\n\n*\n1', { kind: 'web_pipe2', pipe: 'web_x', event: '', authType: '*', message: '1' }],
    ['web_pipe2 two-byte auth_type', 'web_pipe2\nweb_x\ne\n**\n1', { kind: 'web_pipe2', pipe: 'web_x', event: 'e', authType: undefined, message: '1' }],
    ['web_pipe2 auth_type without LF', 'web_pipe2\nweb_x\ne\n*', { kind: 'web_pipe2', pipe: 'web_x', event: 'e', authType: undefined, message: '' }],
    ['web_pipe2 only a pipe', 'web_pipe2\nweb_x', { kind: 'web_pipe2', pipe: 'web_x', event: '', authType: undefined, message: '' }],
    ['web_pipe2 empty auth_type', 'web_pipe2\nweb_x\ne\n\nm', { kind: 'web_pipe2', pipe: 'web_x', event: 'e', authType: undefined, message: 'm' }],
    ['pipe_log with trailing LF', 'pipe_log\nweb_p\n4620873988\n', { kind: 'pipe_log', pipe: 'web_p', marker: '4620873988' }],
    ['pipe_log without marker', 'pipe_log\nweb_p', { kind: 'pipe_log', pipe: 'web_p', marker: '' }],
    ['pipe_count', 'pipe_count\nweb_c\n2259796665\n', { kind: 'pipe_count', pipe: 'web_c', marker: '2259796665' }],
    ['track_pipe_users', 'track_pipe_users\ntrack_t\n4620873988', { kind: 'track_pipe_users', pipe: 'track_t', marker: '4620873988' }],
    ['track_pipe_users, missing marker', 'track_pipe_users\ntrack_t', { kind: 'track_pipe_users', pipe: 'track_t', marker: '' }],
    ['track_pipe_users, whitespace tokens', 'track_pipe_users\n  track_t \t m1 ', { kind: 'track_pipe_users', pipe: 'track_t', marker: 'm1' }],
    ['user_data', 'user_data\n5614903529\n9997', { kind: 'user_data', marker: '5614903529', userId: 9997 }],
    ['user_data bad id', 'user_data\n5614903529\nabc', { kind: 'user_data', marker: '5614903529', userId: undefined }],
    ['user_status', 'user_status\n5', { kind: 'user_status', userId: 5 }],
    ['statistics', 'statistics\n{"url":"x","dev_id":"0","version":"4.08"}', { kind: 'statistics' }],
    ['cgi_call', 'cgi_call\nanything', { kind: 'cgi_call' }],
    ['CometQL_call', 'CometQL_call\nm1\neyJ...', { kind: 'CometQL_call', marker: 'm1' }],
    ['legacy web_pipe (v1) is unknown', 'web_pipe\nweb_x\n1', { kind: 'unknown' }],
    ['empty frame is unknown', '', { kind: 'unknown' }],
    ['hello is unknown', 'hello', { kind: 'unknown' }],
    ['commands are case-sensitive', 'Subscription\nweb_a', { kind: 'unknown' }],
    ['cometql_call lower-case is unknown', 'cometql_call\nm', { kind: 'unknown' }],
    ['prefix dispatch: subscriptionX', 'subscriptionX\nweb_a', { kind: 'subscription', args: '\nweb_a' }],
    ['byte after the word is skipped whatever it is', 'subscription web_a', { kind: 'subscription', args: 'web_a' }],
    ['NUL ends the text', 'subscription\nweb_a\0web_b', { kind: 'subscription', args: 'web_a' }],
    ['NUL inside the command word', 'subscr\0iption\nweb_a', { kind: 'unknown' }],
  ];
  for (const [name, frame, expected] of cases) await t.test(name, () => assert.deepEqual(parseCommand(frame), expected));
});

test('C stoi semantics for ids', () => {
  const cases: Array<[string, number | undefined]> = [
    ['9997', 9997],
    ['  42abc', 42],
    ['-7', -7],
    ['+8', 8],
    ['', undefined],
    ['abc', undefined],
    ['2147483647', 2147483647],
    ['2147483648', undefined],
    ['-2147483648', -2147483648],
  ];
  for (const [text, expected] of cases) assert.equal(cStoi(text), expected, JSON.stringify(text));
});
