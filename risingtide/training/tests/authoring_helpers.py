"""What the editor posts, built from a list of steps (as its fields name them), for tests."""


def editor_fields(steps: list[dict], revision: int, action: str = "save") -> dict:
    data = {"revision": str(revision), "step_count": str(len(steps)), "action": action}
    for i, step in enumerate(steps):
        p = f"s-{i}-"
        data[p + "kind"] = step["kind"]
        data[p + "title"] = step.get("title", "")
        if step["kind"] == "page":
            data[p + "body"] = step.get("body", "")
        elif step["kind"] == "reflection":
            data[p + "prompt"] = step.get("prompt", "")
        else:
            data[p + "pass_mark"] = str(step.get("pass_mark", ""))
            data[p + "questions"] = str(len(step["questions"]))
            for j, q in enumerate(step["questions"]):
                qp = f"{p}q-{j}-"
                data[qp + "text"] = q.get("text", "")
                if q.get("multiple"):
                    data[qp + "multiple"] = "1"
                data[qp + "answers"] = str(len(q["answers"]))
                for k, a in enumerate(q["answers"]):
                    data[f"{qp}a-{k}-text"] = a.get("text", "")
                    data[f"{qp}a-{k}-feedback"] = a.get("feedback", "")
                    if a.get("correct"):
                        data[f"{qp}a-{k}-correct"] = "1"
    return data
