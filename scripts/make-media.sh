#!/usr/bin/env bash
# Regenerates the hold music and announcement prompts in router/calls/media/ (run by hand, not in
# CI; the WAV files are committed). Needs espeak-ng and sox:
#   apt-get install -y --no-install-recommends espeak-ng sox
# Every file is WAV, PCM signed 16-bit, 8000 Hz, mono: what rtpengine's `play media` decodes
# without resampling for G.711 calls.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/router/calls/media"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
fmt=(-r 8000 -c 1 -b 16 -e signed-integer)

# Hold music: a 16-note plucked tune (C major arpeggios), 0.4 s a note, 6.4 s in all, looped by rtpengine.
notes=(C4 E4 G4 C5 A3 C4 E4 A4 F3 A3 C4 F4 G3 B3 D4 G4)
files=()
for i in "${!notes[@]}"; do
  sox -n "${fmt[@]}" "$tmp/n$i.wav" synth 0.4 pluck "${notes[$i]}" vol 0.5 fade 0 0.4 0.1
  files+=("$tmp/n$i.wav")
done
sox "${files[@]}" "${fmt[@]}" "$out/hold-music.wav"

# Prompts: espeak-ng (en-us, 160 words/min), resampled to 8 kHz, leading/trailing silence trimmed.
say() {
  espeak-ng -v en-us -s 160 -w "$tmp/say.wav" "$2"
  sox "$tmp/say.wav" "${fmt[@]}" "$out/$1.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse pad 0 0.15
}
say you-are-number "You are number"
say in-the-queue "in the queue."
say many-callers-ahead "There are more than ten callers ahead of you."
say wait-about "The expected wait is about"
say wait-less-than-a-minute "The expected wait is less than a minute."
say wait-more-than-ten-minutes "The expected wait is more than ten minutes."
say minute "minute."
say minutes "minutes."
words=(one two three four five six seven eight nine ten)
for i in "${!words[@]}"; do say "n$((i + 1))" "${words[$i]}"; done
du -ch "$out"/*.wav | tail -1
