extension QueryPlan {
    /// The plan computing at least the output columns `required`, with the columns nothing reads dropped all the way
    /// down to the scans (which then read fewer columns). `map` takes an old output position to its new one.
    func pruned(keeping wanted: Set<Int>) -> (plan: QueryPlan, map: [Int: Int]) {
        // A batch of no columns cannot say how many rows it has: one column stays where none is read.
        let required = wanted.isEmpty && !types.isEmpty ? [0] : wanted
        switch self {
        case .scan(let table, let columns, let types, let rows):
            let kept = required.sorted()
            let map = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            return (
                .scan(table, columns: kept.map { columns[$0] }, types: kept.map { types[$0] }, estimatedRows: rows), map
            )
        case .singleRow:
            return (self, [:])
        case .filter(let input, let predicate):
            let (plan, map) = input.pruned(keeping: required.union(predicate.columns))
            return (.filter(plan, predicate.remapped(map)), map)
        case .project(let input, let expressions):
            let kept = required.sorted()
            let needed = kept.reduce(into: Set<Int>()) { $0.formUnion(expressions[$1].columns) }
            let (plan, inner) = input.pruned(keeping: needed)
            let map = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            return (.project(plan, kept.map { expressions[$0].remapped(inner) }), map)
        case .aggregate(let input, let keyCount, let aggregates):
            // Keys stay the first columns of the input, which is always a projection of exactly what is needed.
            let needed = Set(0..<keyCount).union(aggregates.compactMap(\.column))
            let (plan, inner) = input.pruned(keeping: needed)
            let remapped = aggregates.map { aggregate in
                var copy = aggregate
                copy.column = aggregate.column.map { inner[$0]! }
                return copy
            }
            let identity = Dictionary(uniqueKeysWithValues: types.indices.map { ($0, $0) })
            return (.aggregate(plan, keyCount: keyCount, aggregates: remapped), identity)
        case .sort(let input, let keys):
            let (plan, map) = input.pruned(keeping: required.union(keys.map(\.column)))
            return (
                .sort(
                    plan,
                    keys.map {
                        PlanSortKey(column: map[$0.column]!, ascending: $0.ascending, nullsFirst: $0.nullsFirst)
                    }
                ), map
            )
        case .limit(let input, let count, let offset):
            let (plan, map) = input.pruned(keeping: required)
            return (.limit(plan, count: count, offset: offset), map)
        case .distinct(let input):
            let (plan, map) = input.pruned(keeping: Set(input.types.indices))
            return (.distinct(plan), map)
        case .unionAll(let left, let right):
            let all = Set(left.types.indices)
            return (
                .unionAll(left.pruned(keeping: all).plan, right.pruned(keeping: all).plan),
                Dictionary(uniqueKeysWithValues: types.indices.map { ($0, $0) })
            )
        case .join(let left, let right, let leftKeys, let rightKeys):
            let width = left.types.count
            let (l, lm) = left.pruned(keeping: Set(required.filter { $0 < width }).union(leftKeys))
            let (r, rm) = right.pruned(
                keeping: Set(required.filter { $0 >= width }.map { $0 - width }).union(rightKeys)
            )
            var map = lm
            let newWidth = l.types.count
            for (old, new) in rm { map[width + old] = newWidth + new }
            return (.join(l, r, leftKeys: leftKeys.map { lm[$0]! }, rightKeys: rightKeys.map { rm[$0]! }), map)
        case .hashJoin(let left, let right, let leftKeys, let rightKeys, let kind, let nullAware):
            let width = left.types.count
            let (l, lm) = left.pruned(keeping: Set(required.filter { $0 < width }).union(leftKeys))
            let (r, rm) = right.pruned(
                keeping: Set(required.filter { $0 >= width }.map { $0 - width }).union(rightKeys)
            )
            var map = lm
            let newWidth = l.types.count
            if kind != .semi && kind != .anti { for (old, new) in rm { map[width + old] = newWidth + new } }
            return (
                .hashJoin(
                    l,
                    r,
                    leftKeys: leftKeys.map { lm[$0]! },
                    rightKeys: rightKeys.map { rm[$0]! },
                    kind: kind,
                    nullAware: nullAware
                ),
                map
            )
        case .conditionalSemiJoin(let left, let right, let leftKeys, let rightKeys, let anti, let condition):
            let width = left.types.count
            let used = condition.columns
            let (l, lm) = left.pruned(keeping: Set(required).union(leftKeys).union(used.filter { $0 < width }))
            let (r, rm) = right.pruned(keeping: Set(rightKeys).union(used.filter { $0 >= width }.map { $0 - width }))
            var pairs = lm
            for (old, new) in rm { pairs[width + old] = l.types.count + new }
            return (
                .conditionalSemiJoin(
                    l,
                    r,
                    leftKeys: leftKeys.map { lm[$0]! },
                    rightKeys: rightKeys.map { rm[$0]! },
                    anti: anti,
                    condition: condition.remapped(pairs)
                ),
                lm
            )
        case .cross(let left, let right):
            let width = left.types.count
            let (l, lm) = left.pruned(keeping: Set(required.filter { $0 < width }))
            let (r, rm) = right.pruned(keeping: Set(required.filter { $0 >= width }.map { $0 - width }))
            var map = lm
            let newWidth = l.types.count
            for (old, new) in rm { map[width + old] = newWidth + new }
            return (.cross(l, r), map)
        }
    }
}
