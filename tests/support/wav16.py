"""16-bit mono WAV for the CLI tests' generated inputs (shell tests import it through PYTHONPATH=tests/support)."""
import struct
import wave


def write(path, xs, sr=22050):
    """Samples in [-1, 1] (clipped) to a 16-bit PCM mono WAV at `sr` Hz."""
    with wave.open(path, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(sr)
        f.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, x)) * 32767)) for x in xs))
