"""The write-it-yourself exercises' case labels, case hints and notes in Simplified Chinese
(the English texts live with the cases in ``*_exercises.py``). ``feedback_zh`` replaces them
whole in a Chinese kernel; tests/test_translations.py checks that every case has its entry."""

from __future__ import annotations

CASES_ZH: dict[str, str] = {
    # gradient_and_hessian
    "the lecture's loss L = (1 − w1·w2)²": "课程中的损失 L = (1 − w1·w2)²",
    "a quadratic bowl in x and y": "关于 x 和 y 的二次碗",
    "use the symbols passed in `variables`, not w1 and w2":
        "使用 `variables` 传进来的符号，而不是 w1 和 w2",
    "a loss with a cross term x·y": "带交叉项 x·y 的损失",
    "the mixed derivative d²f/(dx dy) goes off the diagonal": "混合导数 d²f/(dx dy) 放在非对角位置",
    "the variables in the order (y, x)": "变量按 (y, x) 的顺序给出",
    "entry i belongs to variables[i], whatever its name":
        "第 i 个元素属于 variables[i]，不管它叫什么名字",
    "a constant loss": "常数损失",
    "a constant has a zero gradient and a zero Hessian of the same sizes":
        "常数的梯度和海森矩阵都是零，但大小不变",
    # classify
    "a positive definite Hessian": "正定的海森矩阵",
    "a negative definite Hessian": "负定的海森矩阵",
    "eigenvalues of both signs": "特征值有正有负",
    "a zero eigenvalue": "有一个零特征值",
    "a 1×1 spectrum (one variable)": "1×1 的谱（一个变量）",
    "a function of one variable has just one eigenvalue": "一元函数只有一个特征值",
    "a tiny eigenvalue inside the zero band": "零带内的一个极小特征值",
    "|λ| <= tol counts as zero, whatever its sign": "|λ| <= tol 算作零，不论符号",
    "both signs and a zero": "有正有负，还有零",
    "both signs already make a saddle point, zero or not": "有正有负就已经是鞍点，不论有没有零",
    "an eigenvalue exactly at the tolerance": "恰好等于容差的特征值",
    "|λ| <= tol (less than or equal) counts as zero": "|λ| <= tol（小于或等于）算作零",
    # escape_step
    "the lecture's saddle at the origin": "课程中原点处的鞍点",
    "a saddle away from the origin": "不在原点的鞍点",
    "a local minimum (no negative eigenvalue)": "局部极小值（没有负特征值）",
    "at a minimum there is no way down: return theta unchanged":
        "在极小值处没有下坡的路：原样返回 theta",
    "three variables, two negative eigenvalues": "三个变量，两个负特征值",
    "the most negative eigenvalue, not the first negative one you meet":
        "要最负的特征值，而不是遇到的第一个负特征值",
    "a local maximum (every eigenvalue negative)": "局部极大值（所有特征值为负）",
    "a zero eigenvalue and no negative one": "有零特征值，没有负特征值",
    "zero is not negative: there is no way down": "零不是负数：没有下坡的路",
    "(u may have either sign)": "（u 的符号可正可负）",
    # power_iteration
    "a diagonal Hessian, 60 steps": "对角海森矩阵，60 步",
    "the largest |λ| is negative": "|λ| 最大的特征值是负的",
    "return v @ hess @ v, which keeps the sign, not the length of hess @ v":
        "返回保留符号的 v @ hess @ v，而不是 hess @ v 的长度",
    "no step at all (n_steps = 0)": "一步也不走（n_steps = 0）",
    "n_steps = 0: the quotient of the start vector itself": "n_steps = 0：就是起始向量本身的商",
    "exactly 3 steps": "恰好 3 步",
    "count the steps: range(n_steps) runs n_steps times":
        "数一数步数：range(n_steps) 运行 n_steps 次",
    "a 3×3 Hessian": "3×3 的海森矩阵",
    # minimum_ratio
    "all eigenvalues positive": "特征值全为正",
    "no eigenvalue in the zero band": "零带内没有特征值",
    "one eigenvalue in the zero band (a numpy array)": "零带内有一个特征值（numpy 数组）",
    "2e-9 is inside the band: it counts as zero, and it still counts in the total":
        "2e-9 在带内：它算作零，但仍计入总数",
    "every eigenvalue in the zero band": "所有特征值都在零带内",
    "a 1-element spectrum": "只有一个元素的谱",
    "an eigenvalue exactly at zero_tol": "恰好等于 zero_tol 的特征值",
    "|λ| <= zero_tol (less than or equal) counts as zero": "|λ| <= zero_tol（小于或等于）算作零",
    # momentum_step
    "the first step (m = 0)": "第一步（m = 0）",
    "a step with some momentum already": "已有一些动量的一步",
    "beta = 0: plain gradient descent": "beta = 0：朴素梯度下降",
    "one variable, as plain numbers": "一个变量，用普通的数",
    "30 steps on the bowl θ1² + 10·θ2²": "在碗 θ1² + 10·θ2² 上走 30 步",
    "after t steps, m is −lr·Σ beta^(t−i)·g_i: every past gradient, weighted":
        "t 步之后，m 是 −lr·Σ beta^(t−i)·g_i：所有过去梯度的加权和",
    # rmsprop_sigma
    "the first step, t = 0, with a negative gradient": "第一步 t = 0，梯度为负",
    "σ_0 = |g_0|: a scale is never negative, and there is no σ before it":
        "σ_0 = |g_0|：尺度永远不为负，而且它之前没有 σ",
    "a step t = 1": "t = 1 的一步",
    "alpha weighs the old σ², (1 − alpha) the new g²": "alpha 加权旧的 σ²，(1 − alpha) 加权新的 g²",
    "alpha = 0: only the newest gradient counts": "alpha = 0：只有最新的梯度起作用",
    "alpha = 1: σ never changes": "alpha = 1：σ 永远不变",
    "a vector of gradients (entry by entry)": "梯度向量（逐元素）",
    "np.sqrt and np.abs work entry by entry; math.sqrt does not":
        "np.sqrt 和 np.abs 逐元素运算；math.sqrt 不行",
    "the first step with a vector gradient": "梯度为向量时的第一步",
    "40 steps against the weighted mean of all squared gradients":
        "40 步，与所有梯度平方的加权平均对照",
}
