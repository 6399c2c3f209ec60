import { describe, expect, it } from 'vitest';
import { checkFileName, numberedName, outgoingName, withoutControls } from './file-names.js';

describe('checkFileName', () => {
  it('keeps ordinary names, in NFC', () => {
    expect(checkFileName('IMG_0001.JPG')).toEqual({ name: 'IMG_0001.JPG' });
    expect(checkFileName('Cafe\u0301 à midi.jpg')).toEqual({ name: 'Café à midi.jpg' });
    expect(checkFileName('家族 2024.mp4')).toEqual({ name: '家族 2024.mp4' });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [42, 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:evil.jpg', 'absolute'],
    ['../up.jpg', 'traversal'],
    ['a/../../b.jpg', 'traversal'],
    ['..', 'traversal'],
    ['a/b.jpg', 'unsafe_chars'],
    ['a\\b.jpg', 'unsafe_chars'],
    ['nul\u0000.jpg', 'unsafe_chars'],
    ['tab\t.jpg', 'unsafe_chars'],
    ['bell\u0007.jpg', 'unsafe_chars'],
    ['c1\u0085.jpg', 'unsafe_chars'],
    ['photo\u202egpj.exe', 'unsafe_chars'],
    ['photo\u2067.jpg', 'unsafe_chars'],
    ['mark\u200f.jpg', 'unsafe_chars'],
    ['.hidden.jpg', 'dot_name'],
    ['trailing.jpg.', 'unsafe_chars'],
    [' lead.jpg', 'unsafe_chars'],
    [`${'é'.repeat(121)}.jpg`, 'too_long'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(checkFileName(input)).toEqual({ problem });
  });
});

describe('numberedName', () => {
  it('numbers before the extension', () => {
    expect(numberedName('a.jpg', 1)).toBe('a.jpg');
    expect(numberedName('a.jpg', 2)).toBe('a (2).jpg');
    expect(numberedName('noext', 3)).toBe('noext (3)');
  });
});

describe('outgoingName', () => {
  it('keeps ordinary names, in NFC', () => {
    expect(outgoingName('IMG_0001.JPG', 'x')).toBe('IMG_0001.JPG');
    expect(outgoingName('Cafe\u0301 à midi.jpg', 'x')).toBe('Café à midi.jpg');
    expect(outgoingName('家族 2024', 'x')).toBe('家族 2024');
  });

  it.each([
    ['..\\..\\Windows\\evil.jpg', '_.._Windows_evil.jpg'],
    ['a/b.jpg', 'a_b.jpg'],
    ['photo\u202egpj.exe', 'photo_gpj.exe'],
    ['nul\u0000tab\t.jpg', 'nul_tab_.jpg'],
    ['Summer: "best" of 2024/25', 'Summer_ _best_ of 2024_25'],
    ['.hidden.jpg', 'hidden.jpg'],
    ['  spaced  ', 'spaced'],
    ['..', 'x'],
    ['', 'x'],
  ])('makes %j safe as %j', (input, safe) => {
    expect(outgoingName(input, 'x')).toBe(safe);
  });

  it('cuts long names by characters, never inside one', () => {
    expect(outgoingName('😀'.repeat(130), 'x', 120)).toBe('😀'.repeat(120));
  });
});

describe('withoutControls', () => {
  it('replaces controls and bidirectional overrides, and keeps everything else', () => {
    expect(withoutControls('photo\u202egpj.exe')).toBe('photo_gpj.exe');
    expect(withoutControls('a\u0007b\u200fc\u2066d.jpg')).toBe('a_b_c_d.jpg');
    expect(withoutControls("Zoë's (2)*.jpg")).toBe("Zoë's (2)*.jpg");
  });
});
