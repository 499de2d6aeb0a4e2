"""What the Anki end-to-end tests share: the fixed export time, running
examkit, and counting checks."""
import os
import subprocess

EPOCH = "1795737600"  # 2026-11-27T00:00:00Z


class Checks:
    """Named checks, printed one per line and counted."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name}" + (f": {detail}" if detail else ""))
        return ok

    def finish(self, label):
        """Prints "LABEL: N passed, M failed" and returns the exit code."""
        print(f"{label}: {self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def examkit(binary, cwd, *args, epoch=EPOCH):
    """Runs examkit with SOURCE_DATE_EPOCH set to `epoch` (unset when None);
    its standard output, or RuntimeError when it fails."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    proc = subprocess.run([binary, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"examkit {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout
