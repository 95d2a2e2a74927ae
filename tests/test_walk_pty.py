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


def test_predict_asks_for_the_shape_before_a_step_and_says_if_it_was_right(tmp_path):
    child = spawn(tmp_path, "walk", "self-attention", "--predict")
    child.expect("step 1/")
    child.expect("b back")
    child.send("\r")
    child.expect("what shape will E have")
    child.sendline("6, 8")  # six tokens, d = 8
    child.expect(r"You predicted E: \(6, 8\)\. Right\.")
    child.expect("step 2/")
    child.send("\r")
    child.expect("what shape will W_q have")
    child.sendline("4x8")
    child.expect(r"You predicted \(4, 8\); W_q is \(8, 4\)")
    for _ in range(5):  # the step may need more than one screenful
        child.send("\r")
        if child.expect(["what shape will Q have", "more"]) == 0:
            break
    child.sendline("")  # Enter skips: the step is shown without a verdict
    child.expect("step 4/")
    child.send("b")
    child.expect(r"3/\d+")  # back to the end of step 3; asked once per step
    child.expect("W_v has shape")
    child.send("q")
    assert exit_status(child) == 0
