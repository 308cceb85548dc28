"""Two linear-time graph searches the disclosure masks need (disclosure.py): strongly
connected components of a directed graph and bridges of an undirected one, both iterative so a
national table's thousands of lines never reach Python's recursion limit."""

from __future__ import annotations


def strong_components(out: list[list[int]]) -> list[int]:
    """Tarjan's strongly connected components, iteratively: a component id per vertex (the
    first vertex of the component the search reached)."""
    n = len(out)
    order = [0] * n  # 0: not reached yet
    low = [0] * n
    component = [-1] * n
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if order[root]:
            continue
        counter += 1
        order[root] = low[root] = counter
        stack.append(root)
        work = [(root, iter(out[root]))]
        while work:
            v, successors = work[-1]
            for w in successors:
                if not order[w]:
                    counter += 1
                    order[w] = low[w] = counter
                    stack.append(w)
                    work.append((w, iter(out[w])))
                    break
                if component[w] == -1 and order[w] < low[v]:  # w is still on the stack
                    low[v] = order[w]
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == order[v]:
                    while True:
                        w = stack.pop()
                        component[w] = v
                        if w == v:
                            break
    return component


def bridges(adjacent: list[list[tuple[int, int]]]) -> set[int]:
    """Edge ids that are bridges of an undirected graph given as (neighbour, edge id) lists."""
    n = len(adjacent)
    order, low = [0] * n, [0] * n
    found: set[int] = set()
    counter = 0
    for root in range(n):
        if order[root] or not adjacent[root]:
            continue
        counter += 1
        order[root] = low[root] = counter
        stack = [(root, -1, iter(adjacent[root]))]  # vertex, edge it was entered by, neighbours
        while stack:
            v, via, neighbours = stack[-1]
            for w, e in neighbours:
                if not order[w]:
                    counter += 1
                    order[w] = low[w] = counter
                    stack.append((w, e, iter(adjacent[w])))
                    break
                if e != via and order[w] < low[v]:
                    low[v] = order[w]
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                    if low[v] > order[parent]:
                        found.add(via)
    return found
