"""`llmtutor walk` in a real pseudo-terminal: Enter moves on, b goes back, q quits."""

from __future__ import annotations

from terminal import exit_status, spawn


def test_enter_moves_on_b_goes_back_q_quits(tmp_path):
    child = spawn(tmp_path, "walk", "self-attention")
    child.expect("step 1/")
    child.expect("b back")  # the key hint: the page is drawn and waits for a key
    child.send("\r")
    child.expect("step 2/")
    child.send("b")
    child.expect("step 1/")
    child.send("q")
    assert exit_status(child) == 0


def test_space_through_the_last_step_ends_the_walkthrough(tmp_path):
    child = spawn(tmp_path, "walk", "scaling")
    for step in range(1, 5):
        child.expect(f"step {step}/4")
        child.expect("b back")
        child.send(" ")
    assert exit_status(child) == 0


def test_ctrl_c_leaves_a_walkthrough_cleanly(tmp_path):
    child = spawn(tmp_path, "walk", "masks")
    child.expect("step 1/")
    child.expect("b back")
    child.sendcontrol("c")
    child.expect("Stopped")
    assert exit_status(child) == 130
    assert "Traceback" not in (child.before or "")


def test_a_step_taller_than_the_terminal_is_shown_a_screenful_at_a_time(tmp_path):
    child = spawn(tmp_path, "walk", "self-attention", rows=24)
    child.expect("step 1/")
    child.send("\r")
    child.expect("step 2/")
    child.expect("more")
    child.send("\r")
    child.expect(r"2/\d+ \(continued, 2/\d\)")
    child.send("\r")
    child.expect("step 3/")
    child.send("q")
    assert exit_status(child) == 0
