"""The explorer's words in the Chinese editions: its panel sentences and widget labels.

The panel is built in English (tests and the English notebooks read it); ``panel_text`` then
rewrites the finished HTML with ``PANEL_ZH`` in a Chinese kernel (``helpers.i18n`` decides),
and ``label`` looks up one widget label. English text is returned unchanged.
"""

from __future__ import annotations

from helpers.i18n import KIND_TABLE, Table, localize, phrase

Q = "(?:'|&#x27;)"  # a quote as html.escape writes it (or as typed)

MENU_ZH = {
    "lecture network (1 − w₁w₂)²": "课程中的网络 (1 − w₁w₂)²",
    "saddle x² − y²": "鞍面 x² − y²",
    "bowl x² + y²": "碗形 x² + y²",
    "cap −x² − y²": "倒扣的碗 −x² − y²",
    "monkey saddle x³ − 3xy²": "猴鞍面 x³ − 3xy²",
    "Himmelblau": "Himmelblau 函数",
    "six-hump camel": "六峰驼背函数（six-hump camel）",
    "Rosenbrock": "Rosenbrock 函数",
    "degenerate x³ + y²": "退化 x³ + y²",
    "degenerate x⁴ + y⁴": "退化 x⁴ + y⁴",
    "your formula": "你的公式",
    "your formula (type it below)": "你的公式（在下方输入）",
}

LABELS_ZH = {
    "surface": "曲面",
    "plot": "画图",
    "plot your formula": "画出你的公式",
    "gradient-descent path": "梯度下降路径",
    "stop": "停止",
    "nothing is running": "没有正在运行的计算",
    "e.g. x^4 - x^2 + y^2": "例如 x^4 - x^2 + y^2",
    **MENU_ZH,
}

# Background work, stop and give-up notices, warnings and errors of the model.
STATUS_ZH: Table = (
    (r"working: ", "计算中："),
    (r"^stop: ", "停止："),
    (r"finding the critical points…", "正在寻找临界点…"),
    (r"classifying the point…", "正在判定这个点属于哪一种…"),
    (r"The search for critical points was stopped: ", "临界点的搜索已停止："),
    (r"The search for critical points was given up after (\d+) s: ",
     r"临界点的搜索在 \1 秒后被放弃："),
    (r"none are marked and picks are not snapped\.", "图上不标临界点，点选也不会吸附到临界点。"),
    (r"The analysis of this point was stopped: ", "这个点的分析已停止："),
    (r"The analysis of this point was given up after (\d+) s: ", r"这个点的分析在 \1 秒后被放弃："),
    (r"pick another point\.", "请换一个点。"),
    (r"the search for critical points was cut short \((.*?)\): some may be missing",
     r"临界点的搜索被提前结束（\1）：可能有遗漏"),
    (r"\bit ran out of time\b", "时间用完了"),
    (r"the analysis was stopped before it ended", "分析在完成前被停止了"),
    (r"superseded by a newer analysis", "已被更新的分析取代"),
    (r"the critical points could not be found \((.*?)\); picks are not snapped",
     r"找不到临界点（\1）；点选不会吸附到临界点"),
    (r"cannot analyse \(([^)]*)\) = \(([^)]*)\): (.*?)\. "
     r"The loss, its gradient or its Hessian is not defined there\.",
     r"无法分析 (\1) = (\2)：\3。损失、它的梯度或海森矩阵在那里没有定义。"),
    (r"Your formula (.*?) was not plotted: ", r"你的公式 \1 没有画出来："),
    (r"The surface was not changed: ", "曲面没有更换："),
    (r"the picture could not be updated \((.*)\)", r"图没能更新（\1）"),
    (r"the loss depends on (\[.*?\]), not only on (\[.*?\])", r"损失依赖于 \1，而不只依赖于 \2"),
    (r"the explorer shows functions of exactly two variables",
     "曲面浏览器只显示恰好两个变量的函数"),
    (r"the loss is not defined anywhere in the region (.*?): choose another formula or region",
     r"损失在区域 \1 内处处没有定义：请换一个公式或区域"),
    (r"L is undefined, not real or infinite on (\S+) of the region \(e\.g\. at (.*?)\); "
     r"those points are left blank \(grey\) in the picture\.",
     r"L 在区域的 \1 上没有定义、不是实数或为无穷大（例如在 \2）；图中这些点留空（灰色）。"),
    (r"The search for kinks and singularities took too long and was cut short: there may be "
     r"more places where the gradient is not defined\.",
     "寻找折点和奇点耗时过长，已提前结束：可能还有别的地方梯度没有定义。"),
    (r"log\(·\) needs a positive argument", "log(·) 的自变量必须为正"),
    (r"a division by a quantity that can be 0", "除以一个可能为 0 的量"),
    (r"tan\(·\) has poles where cos\(·\) = 0", "tan(·) 在 cos(·) = 0 处有极点"),
    (r"a power \^(\S+) that is not smooth where its base is ≤ 0", r"幂 ^\1 在底数 ≤ 0 处不光滑"),
    (r"(\S+) is not smooth where (.+?) = 0", r"\1 在 \2 = 0 处不光滑"),
)

# The parser's most common messages (helpers.parsing words them in English).
PARSE_ZH: Table = (
    (r"the formula is empty: type a loss in (.*?), for example",
     r"公式是空的：请输入一个关于 \1 的损失，例如"),
    (r"the formula is incomplete or has an operator in the wrong place\. ",
     "公式不完整，或者有运算符放错了位置。"),
    (rf"this {Q}\){Q} has no matching {Q}\({Q}", "这个 ')' 没有与之配对的 '('"),
    (rf"this {Q}\({Q} is never closed", "这个 '(' 没有闭合"),
    (rf"missing {Q}\*{Q} between (.+?) and (.+?): write (\S+), not (.+?) "
     r"\(implicit multiplication is not allowed\)",
     r"\1 和 \2 之间缺少 '*'：请写 \3，而不是 \4（不允许省略乘号）"),
    (r"the Python word (\S+) is not allowed: a formula is not a program",
     r"不能使用 Python 关键字 \1：公式不是程序"),
    (r"complex numbers such as (\S+) are not allowed", r"不允许使用复数（例如 \1）"),
    (r"floor division // is not allowed; use / for division", "不允许使用整除 //；除法请用 /"),
    (r"unknown function (\S+)\. The allowed functions are (.*?)\.",
     r"未知函数 \1。可以使用的函数有 \2。"),
    (r"unknown name (\S+)\. ", r"未知的名称 \1。"),
    (r"each function takes exactly one argument, and the formula is a single expression",
     "每个函数只接受一个自变量，而且公式只能是一个表达式"),
    (r"(\S+) is not allowed: ", r"\1 不允许使用："),
    (r"A formula may use numbers, the variables (.*?), \+ - \* / and \^ \(or \*\*\) for "
     r"powers, parentheses, the functions (.*?) and the constants pi and e\.",
     r"公式可以使用：数字，变量 \1，+ - * / 和表示乘方的 ^（或 **），括号，"
     r"函数 \2，以及常数 pi 和 e。"),
    (r" ?\(column (\d+)\)", r"（第 \1 列）"),
)

# The rows of a point's report.
REPORT_ZH: Table = (
    (r"snapped to this critical point: your pick was within (\S+) of the view"
     rf"{Q}s width", r"已吸附到这个临界点：你点选的位置离它不到视图宽度的 \1"),
    (r"\$g\$ and \$H\$ do not exist here \(a kink of \$L\$\)",
     "$g$ 和 $H$ 在此处不存在（$L$ 的折点）"),
    (r"</span> along \$v_", "</span>，特征向量 $v_"),
    (r"kind: <b", "种类：<b"),
    (r" → resolved: <b", " → 判定为：<b"),
    (r"</b> \(exact\)", "</b>（精确）"),
    (r"<i>why</i>: ", "<i>理由</i>："),
    (r"L has a kink here: there is no gradient and no Hessian, so neither −g nor an "
     r"eigenvector gives a step \(see why\)\.",
     "L 在此处有折点：既没有梯度也没有海森矩阵，所以 −g 和特征向量都给不出下降的一步（见理由）。"),
    (r"Downhill: a small step −η·g lowers L by about η‖g‖² = η·(\S+) \(white arrow\)\.",
     r"下坡：沿 −η·g 走一小步，L 约下降 η‖g‖² = η·\1（白色箭头）。"),
    (r"Escape: λ = (\S+) &lt; 0, so a step η·u along its eigenvector u = \(([^)]*)\) "
     r"lowers L by about ½\|λ\|η² = (\S+)·η² \(dashed arrow\)\.",
     r"逃离：λ = \1 &lt; 0，沿它的特征向量 u = (\2) 走一步 η·u，"
     r"L 约下降 ½|λ|η² = \3·η²（虚线箭头）。"),
    (r"No eigenvalue is negative, so the second-order model shows no way down; "
     r"higher-order terms do \(see why\)\.",
     "没有负特征值，所以二阶模型看不出下降的方向；更高阶的项能看出（见理由）。"),
    (r"No eigenvalue is negative: the second-order model has no way down here\.",
     "没有负特征值：二阶模型在这里没有下降的方向。"),
    (r"Gradient descent \(lr = (\S+)\) diverges from here: no path is drawn\.",
     r"梯度下降（lr = \1）从这里出发会发散：不画路径。"),
    (r"Gradient descent \(white line, lr = (\S+)\) does not move: g = 0 here, so it stays "
     r"on this critical point\.",
     r"梯度下降（白线，lr = \1）不动：这里 g = 0，它停在这个临界点上。"),
    (r"Gradient descent \(white line, lr = ([^,]+), (\d+) steps\) ends at \(([^)]*)\) "
     r"with L = (\S+)\.", r"梯度下降（白线，lr = \1，\2 步）停在 (\3)，此时 L = \4。"),
)

# The commonest reasons of helpers.symbolic (the rest stays English).
REASON_ZH: Table = (
    (r"all eigenvalues positive \(([^)]*)\): H is positive definite",
     r"所有特征值都为正（\1）：H 正定"),
    (r"all eigenvalues negative \(([^)]*)\): H is negative definite",
     r"所有特征值都为负（\1）：H 负定"),
    (r"eigenvalues of both signs \(([^)]*)\) \(one is zero, but the signs already decide\)",
     r"特征值有正有负（\1）（有一个为零，但正负号已能判定）"),
    (r"eigenvalues of both signs \(([^)]*)\)", r"特征值有正有负（\1）"),
    (r": f falls along the negative eigenvectors", "：沿负特征值的特征向量方向 f 下降"),
    (r"the gradient is not zero \(exactly\)", "梯度不为零（精确计算）"),
    (r"‖g‖ = (\S+) &gt; (\S+) \(tolerance\)", r"‖g‖ = \1 &gt; \2（容差）"),
    (r"(\d+) eigenvalues? within tolerance of zero", r"\1 个特征值在容差内为零"),
    (r"the second-order test is inconclusive", "二阶检验无法判定"),
    (r" ?\(second-order test inconclusive\)", "（二阶检验无法判定）"),
    (r"all eigenvalues are zero", "所有特征值都为零"),
    (r"(\d+) zero eigenvalues?", r"\1 个零特征值"),
    (r"the exact analysis took too long", "精确分析耗时过长"),
    (r"but f − f\(p\) = (.+?) ≥ 0 everywhere, so p is a minimum anyway",
     r"但 f − f(p) = \1 ≥ 0 处处成立，所以 p 仍是极小值点"),
    (r"but f − f\(p\) = (.+?) ≤ 0 everywhere, so p is a maximum anyway",
     r"但 f − f(p) = \1 ≤ 0 处处成立，所以 p 仍是极大值点"),
    (r"f − f\(p\) = (.+?) ≥ 0 everywhere, so p is a minimum",
     r"f − f(p) = \1 ≥ 0 处处成立，所以 p 是极小值点"),
    (r"f − f\(p\) = (.+?) ≤ 0 everywhere, so p is a maximum",
     r"f − f(p) = \1 ≤ 0 处处成立，所以 p 是极大值点"),
    (r"(?:but )?f ≥ 0 everywhere and f\(p\) ≈ 0, so p is a minimum",
     "f ≥ 0 处处成立且 f(p) ≈ 0，所以 p 是极小值点"),
    (r"along the line p \+ t·(\(.*?\)) the Taylor series starts with an odd power (\S+): "
     r"f goes both up and down", r"沿直线 p + t·\1，泰勒级数从奇次幂 \2 开始：f 有升有降"),
    (r"f rises along (\(.*?\)) \(∝ (\S+)\) and falls along (\(.*?\)) \(∝ (\S+)\)",
     r"f 沿 \1 上升（∝ \2），沿 \3 下降（∝ \4）"),
    (r"f is not twice differentiable here \((.*?)\): g and H do not exist, so the "
     r"second-order test does not apply; ",
     r"f 在此处不是二阶可微的（\1）：g 和 H 不存在，二阶检验不适用；"),
    (r"p lies on (.+?) = 0, where (.+?) is not smooth", r"p 位于 \1 = 0 上，\2 在那里不光滑"),
    (r"the gradient or the Hessian is infinite or undefined here",
     "梯度或海森矩阵在此处为无穷大或没有定义"),
    (r" ?\(decided exactly at (\(.*?\))\)", r"（在 \1 处精确判定）"),
    (r"abs\(·\) has a kink where its argument is 0", "abs(·) 在其自变量为 0 处有折点"),
    (r" \(([^,]*), near (\(.*?\))\): the gradient and the Hessian are not defined there\.",
     r"（\1，靠近 \2）：梯度和海森矩阵在那里没有定义。"),
    (r"(?<=[）\u4e00-\u9fff]); ", "；"),
)

PANEL_ZH: Table = (*STATUS_ZH, *PARSE_ZH, *REPORT_ZH, *REASON_ZH, *KIND_TABLE)


def panel_text(html: str, lang: str | None = None) -> str:
    """The finished panel HTML in the kernel's language (English unchanged)."""
    return localize(html, PANEL_ZH, lang)


def label(text: str, lang: str | None = None) -> str:
    """One widget label, description or tooltip in the kernel's language."""
    if text.startswith("stop: "):
        return localize(text, STATUS_ZH, lang)
    return phrase(text, LABELS_ZH, lang)


def phrase_title(title: str, lang: str | None = None) -> str:
    """A surface's menu name in the kernel's language."""
    return phrase(title, MENU_ZH, lang)
