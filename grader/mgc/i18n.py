"""The course's words in Chinese: the checks' feedback and hints, the workspace's buttons, and the
Chinese notebooks built from the English ones.

Feedback is translated at the edge (the workspace, `mgc.inline.check`, `mgc check --lang zh`): the
checks write English, and `translate(text, "zh")` maps each line through MESSAGES, English templates
whose `{placeholders}` capture the numbers and code in between. A placeholder's captured text is
itself translated when a template matches it (a case's description inside "engine.add: {where}"),
except `{name:raw}` (the student's own error text) and `{name:code}`. One catalogue, gettext-style;
a test runs the checks on the lecture's classic mistakes and fails on any English left untranslated.

    translate(text, lang)              # feedback in `lang` ("en" returns it as it is)
    UI[lang][key]                      # the workspace's words
    chinese_notebook(english, cells)   # the Chinese release: English notebook, Chinese markdown
"""

from __future__ import annotations

import copy
import functools
import re

LANGUAGES = ("en", "zh")

# (English template, Chinese template). Specific templates come before general ones: the first
# template that matches a whole line (or a whole captured fragment) wins.
MESSAGES: list[tuple[str, str]] = [
    # what a test cell prints (mgc.inline)
    ("{exercise:id}: the lecture's cases pass", "{exercise}：讲座中的用例全部通过"),
    # mgc.judge.checks.base
    (
        "{exercise:id}: not implemented yet (the stub still raises NotImplementedError)",
        "{exercise}：还没有实现（代码桩仍然抛出 NotImplementedError）",
    ),
    # "exercise: what was tried", then what it describes on the lines below
    ("{exercise:id}: {where}", "{exercise}：{where}"),
    ("raised {error:raw}", "抛出了 {error}"),
    (
        "a plain number reached an operation that expected a Value. Wrap the other operand first: "
        "other = other if isinstance(other, Value) else Value(other)",
        "一个普通数字进入了只接受 Value 的运算。先把另一个操作数包装起来："
        "other = other if isinstance(other, Value) else Value(other)",
    ),
    (
        "return the slope itself, one number (a trailing comma after it makes a tuple)",
        "返回斜率本身，一个数（在它后面多写一个逗号就成了元组）",
    ),
    (
        "expected one number, {want:code}, got a list or tuple: {got:code}",
        "应为一个数 {want}，实际得到一个列表或元组：{got}",
    ),
    (
        "the recursion never ends; does a method call itself on the same input?",
        "递归停不下来：是不是某个方法在同一个输入上调用了它自己？",
    ),
    (
        "the grader walks the graph through _prev, where the notebook's __init__ keeps a node's "
        "children (self._prev = set(_children)): keep that name",
        "评分程序通过 _prev 遍历计算图，笔记本的 __init__ 把节点的子节点存在那里"
        "（self._prev = set(_children)）：请保留这个名字",
    ),
    ("some of your code did not run, which may be why:", "你的部分代码没有运行成功，这可能就是原因："),
    ("cell {number:code}: {error:raw}", "单元 {number}：{error}"),
    # mgc.judge.checks.operations: the cases
    (
        "{expr:code} with {values:code}, out.grad seeded with {seed:code}, "
        "operand grads pre-loaded with {pre:code}",
        "{expr}，其中 {values}，out.grad 设为 {seed}，操作数的 grad 预先设为 {pre}",
    ),
    (
        "{expr:code} with {values:code}, out.grad seeded with {seed:code}",
        "{expr}，其中 {values}，out.grad 设为 {seed}",
    ),
    (
        "out.data: expected {want:code} (PyTorch), got {got:code}",
        "out.data：应为 {want}（PyTorch），实际为 {got}",
    ),
    (
        "{names:code} is not among out's children (out._prev): a backward() that starts from a later node "
        "never reaches it, so its grad stays as it was",
        "{names} 不在 out 的子节点（out._prev）中："
        "从后面的节点开始的 backward() 到不了它，它的梯度就一直不变",
    ),
    (
        "build the result with its operands as children, e.g. Value(data, (self, other), '*')",
        "创建结果时把操作数作为子节点传入，例如 Value(data, (self, other), '*')",
    ),
    (
        "the grads disagree with central differences of your own forward pass: got {got:code}, "
        "differences give {numeric:code}",
        "梯度与你自己的前向计算的中心差分不一致：得到 {got}，差分给出 {numeric}",
    ),
    (
        "you assigned the gradient (=) instead of accumulating it (+=)",
        "你给梯度赋了值（=），而不是累加（+=）",
    ),
    (
        "a value used twice must receive both contributions: accumulate grads with +=, never =",
        "被用了两次的值必须收到两份贡献：用 += 累积梯度，不要用 =",
    ),
    ("the chain rule multiplies the local derivative by out.grad", "链式法则要把局部导数乘以 out.grad"),
    ("the gradient has the wrong sign", "梯度的符号反了"),
    (
        "the operation's _backward never changes the operands' grads",
        "这个运算的 _backward 没有改变操作数的梯度",
    ),
    (
        "each operand's gradient is the *other* operand's data times out.grad",
        "每个操作数的梯度是*另一个*操作数的 data 乘以 out.grad",
    ),
    (
        "a's gradient is the other operand's data times out.grad",
        "a 的梯度是另一个操作数的 data 乘以 out.grad",
    ),
    ("off by one: the derivative of x**n is n * x**(n - 1)", "指数差了一：x**n 的导数是 n * x**(n - 1)"),
    ("the derivative of x**n keeps the factor n: n * x**(n - 1)", "x**n 的导数要保留系数 n：n * x**(n - 1)"),
    (
        "the local derivative of exp is exp itself, the output out.data, not the input",
        "exp 的局部导数就是 exp 本身，即输出 out.data，而不是输入",
    ),
    ("the local derivative of tanh is 1 - t**2, not 1 - t", "tanh 的局部导数是 1 - t**2，不是 1 - t"),
    (
        "the local derivative of relu is 1 where the output is positive and 0 elsewhere",
        "relu 的局部导数在输出为正处是 1，其余处是 0",
    ),
    ("the local derivative of log(x) is 1 / x", "log(x) 的局部导数是 1 / x"),
    # mgc.judge.checks.backward
    (
        "backward() on the graph {leaves:code}; {steps:code} (root: the last node)",
        "在这张图上调用 backward()：{leaves}；{steps}（根节点：最后一个节点）",
    ),
    ("root.grad: expected 1.0, got {got:code}", "root.grad：应为 1.0，实际为 {got}"),
    (
        "after a second root.backward(), the leaves' grads: expected {want:code} (they add up: "
        "nothing resets them between the two calls), got {got:code}",
        "第二次调用 root.backward() 之后叶子节点的梯度：应为 {want}（梯度会累加：两次调用之间"
        "没有任何东西把它们清零），实际为 {got}",
    ),
    (
        "backward() must not reset the grads: they add up, and only zero_grad() resets them",
        "backward() 不能把梯度清零：梯度会累加，只有 zero_grad() 才会清零",
    ),
    (
        "parameters() returns one flat list of Values, not a list of each {whose:code}'s lists: "
        "[p for part in parts for p in part.parameters()]",
        "parameters() 应返回一个扁平的 Value 列表，而不是由每个 {whose} 的列表组成的列表："
        "[p for part in parts for p in part.parameters()]",
    ),
    (
        "seed the root with self.grad = 1.0 before walking the graph: d root / d root is 1",
        "遍历图之前先设置根节点 self.grad = 1.0：根节点对自身的导数是 1",
    ),
    (
        "_backward ran {count:code} times on node n{node:code}, expected once",
        "节点 n{node} 的 _backward 运行了 {count} 次，应为一次",
    ),
    (
        "the topological sort needs a visited set: a node reached along two paths must be added to the "
        "order only once",
        "拓扑排序需要一个 visited 集合：沿两条路径到达的节点只能加入顺序一次",
    ),
    (
        "_backward never ran on node n{node:code}, expected once",
        "节点 n{node} 的 _backward 从未运行，应运行一次",
    ),
    ("every node of the graph must be in the order", "图中的每个节点都必须在顺序里"),
    (
        "n{node:code}._backward ran before n{user:code}._backward, which uses n{node2:code}; expected every "
        "node after all the nodes that use it",
        "n{node}._backward 在 n{user}._backward 之前运行了，而后者用到了 n{node2}；"
        "每个节点都应在所有用到它的节点之后运行",
    ),
    (
        "walk the topological order in reverse, from the root down to the leaves",
        "按拓扑顺序的逆序遍历：从根节点一直到叶节点",
    ),
    (
        "a node's _backward must run only after every node that uses it",
        "一个节点的 _backward 只能在所有用到它的节点之后运行",
    ),
    (
        "grads of n0..n{last:code}: expected {want:code} (PyTorch), got {got:code}",
        "n0..n{last} 的梯度：应为 {want}（PyTorch），实际为 {got}",
    ),
    # mgc.judge.checks.derivatives
    (
        "[df/da, df/db, df/dc]: expected {want:code} (PyTorch), got {got:code}",
        "[df/da, df/db, df/dc]：应为 {want}（PyTorch），实际为 {got}",
    ),
    (
        "(one-sided error, symmetric error): expected {want:code}, got {got:code}",
        "（单侧差分的误差，中心差分的误差）：应为 {want}，实际为 {got}",
    ),
    (
        "each error is abs(estimate - exact derivative), one-sided first",
        "每个误差都是 abs(估计值 - 精确导数)，单侧差分在前",
    ),
    ("expected {want:code}, got {got:code}", "应为 {want}，实际为 {got}"),
    ("that is the {form} form", "这是{form}的写法"),
    ("symmetric", "中心差分"),
    ("one-sided", "单侧差分"),
    # mgc.judge.checks.graphs
    (
        "the result: expected {want:code} (PyTorch), got {got:code}",
        "结果：应为 {want}（PyTorch），实际为 {got}",
    ),
    (
        "grads of {names}: expected {want:code} (PyTorch), got {got:code}",
        "{names} 的梯度：应为 {want}（PyTorch），实际为 {got}",
    ),
    (
        "grads of {names} disagree with central differences of your own forward pass: got {got:code}, "
        "differences give {numeric:code}",
        "{names} 的梯度与你自己的前向计算的中心差分不一致：得到 {got}，差分给出 {numeric}",
    ),
    ("w and b", "w 和 b"),
    ("the predictions", "预测值"),
    ("the logits", "logits"),
    ("Neuron with w={w:code}, b={b:code} on x={x:code}", "Neuron（w={w}，b={b}）作用于 x={x}"),
    (
        "softmax({logits:code}), then sum(weights[i] * probs[i]) with weights {weights:code}",
        "softmax({logits})，再以权重 {weights} 计算 sum(weights[i] * probs[i])",
    ),
    (
        "probabilities: expected {want:code} (PyTorch), got {got:code}",
        "概率：应为 {want}（PyTorch），实际为 {got}",
    ),
    ("divide each count by the sum of all the counts", "把每个计数除以所有计数之和"),
    (
        "no gradient flows through the sum in the denominator: build it from the counts themselves "
        "(Values), not from their .data",
        "梯度没有流过分母中的求和：要用计数本身（Value）来求和，而不是用它们的 .data",
    ),
    # mgc.judge.checks.nn
    ("a layer of one neuron returned a list", "只有一个神经元的层返回了一个列表"),
    ("return the neuron's output itself when there is one", "只有一个神经元时，直接返回它的输出"),
    ("the layer returned one value instead of a list", "这一层返回了单个值，而不是列表"),
    ("return one output per neuron, in order", "按顺序为每个神经元返回一个输出"),
    ("outputs: expected {want:code}, got {got:code}", "输出：应为 {want}，实际为 {got}"),
    ("output: expected {want:code}, got {got:code}", "输出：应为 {want}，实际为 {got}"),
    (
        "the outputs are not the Values {whose} returned, nor built from them: a backward() from the loss "
        "would never reach the parameters",
        "这些输出既不是{whose}返回的 Value，也不是由它们算出来的：从损失出发的 backward() 永远到不了参数",
    ),
    (
        "return what {whose} return, not new Values made from their .data",
        "返回{whose}返回的东西，不要用它们的 .data 新建 Value",
    ),
    ("the neurons", "各个神经元"),
    ("the layers", "各层"),
    (
        "Layer({nin:code}, {nout:code}) of stand-in neurons on x={x:code}",
        "由替身神经元组成的 Layer({nin}, {nout})，输入 x={x}",
    ),
    ("an MLP of {count:code} stand-in layers on x={x:code}", "由 {count} 个替身层组成的 MLP，输入 x={x}"),
    (
        "MLP({nin:code}, {nouts:code}).parameters() has {count:code} values, expected {want:code}",
        "MLP({nin}, {nouts}).parameters() 有 {count} 个值，应为 {want}",
    ),
    ("the bias is a parameter too: return self.w + [self.b]", "偏置也是参数：返回 self.w + [self.b]"),
    (
        "the parameters of {whose} {k:code} are missing: include every {every}",
        "缺少{whose} {k} 的参数：每一个{every}都要包含",
    ),
    ("neuron", "神经元"),
    ("layer", "层"),
    (
        "{part:code}.parameters(): expected {want:code}, got {got:code}",
        "{part}.parameters()：应为 {want}，实际为 {got}",
    ),
    ("parameters() of {what}", "{what}的 parameters()"),
    ("a real MLP", "一个真实 MLP "),
    ("a {part:code}", "一个 {part} "),
    (
        "zero_grad changed the parameters' data: expected {want:code}, got {got:code}",
        "zero_grad 改变了参数的 data：应为 {want}，实际为 {got}",
    ),
    ("reset p.grad only, never p.data", "只重置 p.grad，不要动 p.data"),
    (
        "grads after zero_grad: expected all 0.0, got {got:code}",
        "zero_grad 之后的梯度：应全为 0.0，实际为 {got}",
    ),
    (
        "zero_grad left every grad as it was: set p.grad = 0.0 on every parameter",
        "zero_grad 没有改变任何梯度：要把每个参数的 p.grad 设为 0.0",
    ),
    (
        "zero_grad on a module whose parameters have grads {grads:code}",
        "在参数梯度为 {grads} 的模块上调用 zero_grad",
    ),
    (
        "the grads are never reset: call model.zero_grad() before each backward()",
        "梯度从未清零：每次 backward() 之前调用 model.zero_grad()",
    ),
    (
        "the step goes uphill: p.data += -learning_rate * p.grad",
        "这一步在往上坡走：p.data += -learning_rate * p.grad",
    ),
    (
        "the step uses {lr:code}, not the learning_rate train was given",
        "这一步用的是 {lr}，而不是传给 train 的 learning_rate",
    ),
    (
        "loss at step {step:code}: expected {want:code} (PyTorch), got {got:code}",
        "第 {step} 步的损失：应为 {want}（PyTorch），实际为 {got}",
    ),
    (
        "train(model, xs, ys, steps={steps:code}, learning_rate={lr:code}) on the lecture's data",
        "在讲座的数据上运行 train(model, xs, ys, steps={steps}, learning_rate={lr})",
    ),
    (
        "{names:code}: expected {want:code} (PyTorch), got {got:code}",
        "{names}：应为 {want}（PyTorch），实际为 {got}",
    ),
]

PREFIXES = {"hint: ": "提示：", "note: ": "注意："}  # a line's label, then its text
CODE_LIKE = re.compile(r"^[\w.]+\(.*\)$")  # a call, as describe_call writes it: nothing to translate
KINDS = {"code": r".+?", "raw": r".+?", "": r".+?"}  # and "id": an exercise id of course.toml
FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


@functools.cache
def _compiled() -> list[tuple[re.Pattern, str, dict[str, str]]]:
    from mgc.course.manifest import load

    kinds_of = {**KINDS, "id": "|".join(re.escape(e.id) for e in load().exercises)}
    compiled = []
    for english, chinese in MESSAGES:
        kinds, pattern, last = {}, "", 0
        for field in FIELD.finditer(english):
            name, kind = field.group(1), field.group(2) or ""
            kinds[name] = kind
            pattern += re.escape(english[last : field.start()]) + f"(?P<{name}>{kinds_of[kind]})"
            last = field.end()
        pattern += re.escape(english[last:])
        compiled.append((re.compile(pattern, re.S), chinese, kinds))
    return compiled


def _fragment(text: str, unknown: list[str] | None) -> str | None:
    """`text` translated by the first template that matches all of it, or None."""
    for pattern, chinese, kinds in _compiled():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = {}
        for name, value in match.groupdict().items():
            if kinds[name] in ("code", "raw", "id"):
                values[name] = value
            else:
                values[name] = _fragment(value, unknown)
                if values[name] is None:
                    if (
                        unknown is not None
                        and not CODE_LIKE.match(value)
                        and re.search(r"[A-Za-z]{2,} ", value)
                    ):
                        unknown.append(value)
                    values[name] = value
        return chinese.format(**values)
    return None


def translate(text: str, lang: str, unknown: list[str] | None = None) -> str:
    """Feedback `text` in `lang`. Each line is translated on its own; indented lines (the student's
    own error text) are kept as they are. Lines and fragments no template matches are kept in
    English and, if `unknown` is given, appended to it."""
    if lang == "en":
        return text
    if lang not in LANGUAGES:
        raise ValueError(f"no language {lang!r} (known: {', '.join(LANGUAGES)})")
    lines = []
    for line in text.split("\n"):
        if not line.strip() or (line[:1].isspace() and not line.lstrip().startswith("cell ")):
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        body, label = line.lstrip(), ""
        for english, chinese in PREFIXES.items():
            if body.startswith(english):
                body, label = body[len(english) :], chinese
        done = _fragment(body, unknown)
        if done is None:
            if unknown is not None:
                unknown.append(body)
            done = body
        lines.append(indent + label + done)
    return "\n".join(lines)


def translated(verdict, lang: str):
    """A verdict (mgc.judge.verdict.Verdict) with its message and hint in `lang`."""
    from dataclasses import replace

    return replace(verdict, message=translate(verdict.message, lang), hint=translate(verdict.hint, lang))


def language_of(notebook: dict) -> str:
    """A notebook's language: its metadata's (chinese_notebook sets "zh"), else English."""
    lang = notebook.get("metadata", {}).get("language") if isinstance(notebook, dict) else None
    return lang if lang in LANGUAGES else "en"


# The workspace's words (docs/javascripts/workspace.js reads them from its page's data).
UI: dict[str, dict[str, str]] = {
    "en": {
        "check": "Check",
        "run": "Run",
        "download": "Download notebook",
        "reset": "Start over",
        "reset_confirm": "Put the stubs back? Your code in this browser will be lost.",
        "starting": "Starting Python in your browser (downloaded once for the whole site), then checking…",
        "starting_run": "Starting Python in your browser (downloaded once for the whole site), then running…",
        "checking": "Checking…",
        "running": "Running…",
        "stopped": "Stopped after {seconds} s: does your code loop forever?",
        "failed_itself": "The check itself failed: {error}",
        "checked": (
            "Checked in {seconds} s, on the lecture's cases only: "
            "the graders also try random and awkward inputs."
        ),
        "summary": "{passed} of {total} exercises pass.",
        "passed": "passed",
        "failed": "failed",
        "your_code": "Your code",
        "your_code_for": "Your code for {exercise}",
        "try_it": "Try it (edit and run freely; not graded)",
        "given": "Given code (runs before yours)",
        "line": "line {line}",
        "no_output": "(no output)",
        "output": "Output",
        "cell_error": "{where}, {line}: {error}",
        "did_not_run": "Some of your code did not run:",
        "check_here": "{exercise}: checked by the Check button below",
        "lecture_only": "These are the lecture's cases only; the graders also try random and awkward inputs.",
    },
    "zh": {
        "check": "检查",
        "run": "运行",
        "download": "下载 notebook",
        "reset": "重新开始",
        "reset_confirm": "恢复成最初的代码桩？你在这个浏览器里写的代码会丢失。",
        "starting": "正在浏览器中启动 Python（整个网站只下载一次），然后检查……",
        "starting_run": "正在浏览器中启动 Python（整个网站只下载一次），然后运行……",
        "checking": "正在检查……",
        "running": "正在运行……",
        "stopped": "{seconds} 秒后已停止：你的代码是不是陷入了死循环？",
        "failed_itself": "检查本身出错了：{error}",
        "checked": "用时 {seconds} 秒，只检查了讲座中的用例：正式评分还会尝试随机的和刁钻的输入。",
        "summary": "{total} 个练习中通过了 {passed} 个。",
        "passed": "通过",
        "failed": "未通过",
        "your_code": "你的代码",
        "your_code_for": "{exercise} 的代码",
        "try_it": "试一试（可随意修改和运行，不计分）",
        "given": "已给出的代码（在你的代码之前运行）",
        "line": "第 {line} 行",
        "no_output": "（没有输出）",
        "output": "输出",
        "cell_error": "{where}，{line}：{error}",
        "did_not_run": "你的部分代码没有运行成功：",
        "check_here": "{exercise}：由下方的“检查”按钮检查",
        "lecture_only": "这些只是讲座中的用例；正式评分还会尝试随机的和刁钻的输入。",
    },
}


def chinese_notebook(english: dict, translations: dict[str, str]) -> dict:
    """The Chinese notebook: `english` with each markdown cell's text replaced by
    `translations[cell id]`. Every cell, id, output and piece of metadata (nbgrader's graders and
    checksums included) stays as it is; only markdown differs. Raises KeyError naming a markdown
    cell that has no translation, and ValueError naming a translation for no markdown cell."""
    chinese = copy.deepcopy(english)
    markdown = {c["id"]: c for c in chinese["cells"] if c["cell_type"] == "markdown"}
    missing = sorted(set(markdown) - set(translations))
    if missing:
        raise KeyError(f"no Chinese text for the markdown cells {', '.join(missing)}")
    stale = sorted(set(translations) - set(markdown))
    if stale:
        raise ValueError(
            f"Chinese text for cells that are not markdown cells of this notebook: {', '.join(stale)}"
        )
    for cell_id, cell in markdown.items():
        text = translations[cell_id].strip("\n")
        cell["source"] = text.splitlines(keepends=True) if isinstance(cell["source"], list) else text
    chinese["metadata"] = {**chinese.get("metadata", {}), "language": "zh"}
    return chinese


def translations_path(notebook_path):
    """Where a solution notebook's Chinese markdown lives: solutions/<name>.zh.toml, beside the
    assignment's folder rather than in it (nbgrader releases everything in the folder)."""
    return notebook_path.parent.parent / f"{notebook_path.stem}.zh.toml"


def read_translations(notebook_path) -> dict[str, str]:
    """The Chinese markdown of a notebook's cells, {cell id: text}, from its `.zh.toml`."""
    import tomllib

    with open(translations_path(notebook_path), "rb") as file:
        return {key: value for key, value in tomllib.load(file).items() if isinstance(value, str)}
