import Columnar
import Engine

extension SQLBinder {
    /// One relation of a `FROM` clause while it is planned.
    struct Relation {
        var plan: QueryPlan
        var scope: SQLScope
    }

    /// Plans the `FROM` list and the `WHERE` clause together: conjuncts on one relation filter it before any join,
    /// equalities between relations become join keys; returns the conjuncts left to apply over the result (in the
    /// scope of every relation's columns, in `FROM` order).
    func bindFrom(
        _ from: [SQLTableReference],
        filter: SQLExpression?
    ) throws(SQLError) -> (QueryPlan, SQLScope, [BoundExpression]) {
        guard !from.isEmpty else {
            let context = SQLBindingContext(scope: SQLScope())
            let conjuncts = try filter.map { value throws(SQLError) in
                [try coerce(try bind(value, context), to: .boolean, at: value.location, what: "WHERE")]
            }
            return (.singleRow, SQLScope(), conjuncts ?? [])
        }
        // Correlated scalar subqueries become grouped derived tables joined on their correlation keys.
        var from = from
        var parts = filter.map(splitConjuncts) ?? []
        var index = 0
        while index < parts.count {
            if let (rewritten, table, keys) = try decorrelatedScalar(parts[index], number: from.count) {
                parts[index] = rewritten
                from.append(table)
                parts += keys
            }
            index += 1
        }
        var relations = try from.map { reference throws(SQLError) in try bindReference(reference) }
        // The derived tables' columns are reachable only by their qualified names (not by `*`).
        for r in relations.indices where isDerived(from[r]) {
            for e in relations[r].scope.entries.indices { relations[r].scope.entries[e].qualifiedOnly = true }
        }
        var scope = SQLScope()
        for relation in relations { scope.entries += relation.scope.entries }
        var conjuncts: [BoundExpression] = []
        var memberships: [(SQLExpression, SQLQuery, Bool, SQLLocation)] = []
        var existences: [(SQLQuery, Bool, SQLLocation)] = []
        for part in parts {
            if case .exists(let query, let negated) = part.kind {
                existences.append((query, negated, part.location))
                continue
            }
            if case .unary(.not, let inner) = part.kind, case .exists(let query, let negated) = inner.kind {
                existences.append((query, !negated, part.location))
                continue
            }
            if case .inQuery(let value, let query, let negated) = part.kind {
                memberships.append((value, query, negated, part.location))
                continue
            }
            conjuncts.append(
                try coerce(
                    try bind(part, SQLBindingContext(scope: scope)),
                    to: .boolean,
                    at: part.location,
                    what: "WHERE"
                )
            )
        }
        var (plan, remaining) = joinAll(relations, conjuncts)
        // `x [NOT] IN (SELECT …)` in WHERE: a hash semi (anti) join with the subquery's values.
        for (value, query, negated, location) in memberships {
            let bound = try bind(value, SQLBindingContext(scope: scope))
            let subquery = try bind(query)
            guard subquery.plan.types.count == 1 else {
                throw error("the subquery of IN must return one column, not \(subquery.plan.types.count)", at: location)
            }
            guard let type = bound.type.common(with: subquery.plan.types[0]) else {
                throw error("IN compares \(bound.type) with a subquery of \(subquery.plan.types[0])", at: location)
            }
            let width = scope.entries.count
            let keyed = QueryPlan.project(
                plan,
                (0..<width).map { BoundExpression.column($0, scope.entries[$0].type, name: "#\($0)") }
                    + [try coerce(bound, to: type, at: location, what: "IN")]
            )
            var values = subquery.plan
            if subquery.plan.types[0] != type {
                values = .project(values, [.cast(.column(0, subquery.plan.types[0], name: "#0"), type)])
            }
            let joined = QueryPlan.hashJoin(
                keyed,
                values,
                leftKeys: [width],
                rightKeys: [0],
                kind: negated ? .anti : .semi,
                nullAware: negated
            )
            plan = .project(joined, (0..<width).map { .column($0, scope.entries[$0].type, name: "#\($0)") })
        }
        for (query, negated, location) in existences {
            plan = try exists(query, negated: negated, outer: plan, scope: scope, at: location)
        }
        return (plan, scope, remaining)
    }

    /// `[NOT] EXISTS (SELECT … FROM … WHERE …)` over `outer` (columns as `scope`), decorrelated: the subquery's
    /// conditions on its own columns filter it, its equalities with outer columns become the keys of a hash semi
    /// (anti) join. Other conditions naming outer columns are not supported yet.
    private func exists(
        _ query: SQLQuery,
        negated: Bool,
        outer: QueryPlan,
        scope: SQLScope,
        at location: SQLLocation
    ) throws(SQLError) -> QueryPlan {
        guard case .select(let select) = query.body, select.groupBy.isEmpty, select.having == nil, query.with.isEmpty
        else {
            throw error("EXISTS supports a plain SELECT … FROM … WHERE … subquery only", at: location)
        }
        var (inner, innerScope, innerConjuncts) = try bindFrom(select.from, filter: nil)
        for conjunct in innerConjuncts { inner = .filter(inner, conjunct) }
        let innerWidth = innerScope.entries.count
        var both = innerScope
        both.entries += scope.entries
        var outerKeys: [Int] = []
        var innerKeys: [Int] = []
        var conditions: [BoundExpression] = []
        for part in select.filter.map(splitConjuncts) ?? [] {
            if let own = try? bind(part, SQLBindingContext(scope: innerScope)) {
                inner = .filter(inner, try coerce(own, to: .boolean, at: part.location, what: "WHERE"))
                continue
            }
            let correlated = try bind(part, SQLBindingContext(scope: both))
            if case .compare(.equal, .column(let x, let tx, _), .column(let y, let ty, _)) = correlated, tx == ty,
                (x < innerWidth) != (y < innerWidth)
            {
                innerKeys.append(min(x, y))
                outerKeys.append(max(x, y) - innerWidth)
            } else {
                conditions.append(correlated)
            }
        }
        var probe = outer
        var build = inner
        if !conditions.isEmpty {
            guard !outerKeys.isEmpty else {
                throw error("a correlated EXISTS needs at least one equality with the outer query", at: location)
            }
            // Conditions over (inner, outer) columns, for pairs laid out (outer, inner).
            let outerWidth = scope.entries.count
            var map: [Int: Int] = [:]
            for i in 0..<innerWidth { map[i] = outerWidth + i }
            for j in 0..<outerWidth { map[innerWidth + j] = j }
            let condition = conditions.dropFirst().reduce(conditions[0]) { BoundExpression.and($0, $1) }.remapped(map)
            return .conditionalSemiJoin(
                outer,
                inner,
                leftKeys: outerKeys,
                rightKeys: innerKeys,
                anti: negated,
                condition: condition
            )
        }
        if outerKeys.isEmpty {
            // Uncorrelated: every outer row or none, on a constant key.
            let width = scope.entries.count
            probe = .project(
                outer,
                (0..<width).map { .column($0, scope.entries[$0].type, name: "#\($0)") } + [
                    .constant(.boolean(true), .boolean)
                ]
            )
            build = .project(inner, [.constant(.boolean(true), .boolean)])
            outerKeys = [width]
            innerKeys = [0]
            let joined = QueryPlan.hashJoin(
                probe,
                build,
                leftKeys: outerKeys,
                rightKeys: innerKeys,
                kind: negated ? .anti : .semi,
                nullAware: false
            )
            return .project(joined, (0..<width).map { .column($0, scope.entries[$0].type, name: "#\($0)") })
        }
        return .hashJoin(
            probe,
            build,
            leftKeys: outerKeys,
            rightKeys: innerKeys,
            kind: negated ? .anti : .semi,
            nullAware: false
        )
    }

    func splitConjuncts(_ expression: SQLExpression) -> [SQLExpression] {
        if case .binary(.and, let left, let right) = expression.kind {
            return splitConjuncts(left) + splitConjuncts(right)
        }
        if case .binary(.or, _, _) = expression.kind { return factored(expression) }
        return [expression]
    }

    /// `(a AND b) OR (a AND c)` as `a AND (b OR c)`: the conjuncts every branch of an `OR` shares come out of it, so
    /// that a join key written in each branch (TPC-H Q19) is still a join key.
    private func factored(_ expression: SQLExpression) -> [SQLExpression] {
        func branches(_ e: SQLExpression) -> [SQLExpression] {
            if case .binary(.or, let left, let right) = e.kind { return branches(left) + branches(right) }
            return [e]
        }
        let terms = branches(expression).map(splitConjuncts)
        guard terms.count > 1 else { return [expression] }
        var common = terms[0].filter { conjunct in
            terms.dropFirst().allSatisfy { $0.contains { $0.description == conjunct.description } }
        }
        var seen = Set<String>()
        common = common.filter { seen.insert($0.description).inserted }
        guard !common.isEmpty else { return [expression] }
        let keys = Set(common.map(\.description))
        var rest: [SQLExpression] = []
        for term in terms {
            let left = term.filter { !keys.contains($0.description) }
            // A branch that is only common conjuncts makes the whole OR true once they hold.
            guard let first = left.first else { return common }
            rest.append(left.dropFirst().reduce(first) { SQLExpression(.binary(.and, $0, $1), at: $0.location) })
        }
        let disjunction = rest.dropFirst().reduce(rest[0]) { SQLExpression(.binary(.or, $0, $1), at: $0.location) }
        return common + [disjunction]
    }

    private func splitConjuncts(_ expression: BoundExpression) -> [BoundExpression] {
        if case .and(let left, let right) = expression { return splitConjuncts(left) + splitConjuncts(right) }
        return [expression]
    }

    static let derivedPrefix = "__scalar"

    private func isDerived(_ reference: SQLTableReference) -> Bool {
        if case .subquery(_, let alias, _) = reference, alias?.hasPrefix(Self.derivedPrefix) == true { return true }
        return false
    }

    /// `x op (SELECT agg(…) FROM … WHERE inner = outer AND …)`, correlated by equalities, as a join:
    /// `(SELECT inner AS k0, agg(…) AS v FROM … WHERE … GROUP BY inner) AS __scalarN` added to `FROM`, the
    /// conjunct comparing with `__scalarN.v`, and `outer = __scalarN.k0` joining it. A WHERE conjunct drops the rows
    /// with no group either way (the subquery's null compares as unknown). `nil` when `conjunct` has no such
    /// subquery, or it is uncorrelated (run once instead), or not of this form.
    private func decorrelatedScalar(
        _ conjunct: SQLExpression,
        number: Int
    ) throws(SQLError) -> (SQLExpression, SQLTableReference, [SQLExpression])? {
        guard case .binary(let op, let left, let right) = conjunct.kind,
            [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        else { return nil }
        let onRight: Bool
        let query: SQLQuery
        if case .subquery(let q) = right.kind {
            onRight = true
            query = q
        } else if case .subquery(let q) = left.kind {
            onRight = false
            query = q
        } else {
            return nil
        }
        if (try? bindQuery(query)) != nil { return nil }
        guard case .select(let select) = query.body, query.with.isEmpty, select.groupBy.isEmpty, select.having == nil,
            select.items.count == 1, case .expression(let item, _) = select.items[0], !select.from.isEmpty
        else { return nil }
        var calls: [SQLExpression] = []
        collectAggregates(item, into: &calls)
        guard !calls.isEmpty else { return nil }
        let (_, innerScope, _) = try bindFrom(select.from, filter: nil)
        func binds(_ e: SQLExpression) -> Bool { (try? bind(e, SQLBindingContext(scope: innerScope))) != nil }
        var own: [SQLExpression] = []
        var keys: [(inner: SQLExpression, outer: SQLExpression)] = []
        for part in select.filter.map(splitConjuncts) ?? [] {
            if binds(part) {
                own.append(part)
                continue
            }
            guard case .binary(.equal, let x, let y) = part.kind else { return nil }
            switch (binds(x), binds(y)) {
            case (true, false): keys.append((x, y))
            case (false, true): keys.append((y, x))
            default: return nil
            }
        }
        guard !keys.isEmpty else { return nil }
        let alias = "\(Self.derivedPrefix)\(number)"
        let location = conjunct.location
        var derived = SQLSelect(
            items: keys.enumerated().map { .expression($1.inner, alias: "k\($0)") } + [.expression(item, alias: "v")],
            from: select.from,
            groupBy: keys.map(\.inner)
        )
        if let first = own.first {
            derived.filter = own.dropFirst().reduce(first) { SQLExpression(.binary(.and, $0, $1), at: $0.location) }
        }
        let value = SQLExpression(.column([alias, "v"]), at: location)
        let rewritten = SQLExpression(.binary(op, onRight ? left : value, onRight ? value : right), at: location)
        let joins = keys.enumerated().map { i, key in
            SQLExpression(
                .binary(.equal, key.outer, SQLExpression(.column([alias, "k\(i)"]), at: location)),
                at: location
            )
        }
        return (rewritten, .subquery(SQLQuery(body: .select(derived)), alias: alias, location: location), joins)
    }

    /// Joins `relations` (columns numbered across all of them in order) on the equalities among `conjuncts`;
    /// returns the plan, its columns in that same order, and the conjuncts not used as filters or keys.
    ///
    /// A conjunct on one relation filters it before any join. An `OR` over several relations also filters each
    /// relation that every branch constrains, by what the branches say about it alone (TPC-H Q7's nation names,
    /// Q19's part and lineitem ranges), and stays to be applied above the joins. The join order is greedy: the
    /// relation expected to be smallest first, then each time the connected relation that keeps the running result
    /// smallest by ``QueryPlan/estimatedRows``; the smaller side of each join is its right one, the side the
    /// executor tries to hold as a hash join's build side.
    private func joinAll(_ relations: [Relation], _ conjuncts: [BoundExpression]) -> (QueryPlan, [BoundExpression]) {
        var offsets: [Int] = []
        var total = 0
        for relation in relations {
            offsets.append(total)
            total += relation.scope.entries.count
        }
        func owner(_ column: Int) -> Int { offsets.lastIndex { $0 <= column }! }
        func local(_ r: Int) -> [Int: Int] {
            Dictionary(uniqueKeysWithValues: (0..<relations[r].scope.entries.count).map { (offsets[r] + $0, $0) })
        }
        var plans = relations.map(\.plan)
        var edges: [(a: Int, b: Int)] = []
        var remaining: [BoundExpression] = []
        for conjunct in conjuncts {
            let owners = Set(conjunct.columns.map(owner))
            if owners.count == 1, let r = owners.first {
                plans[r] = .filter(plans[r], conjunct.remapped(local(r)))
            } else if owners.count == 2,
                case .compare(.equal, .column(let a, let ta, _), .column(let b, let tb, _)) = conjunct,
                ta == tb
            {
                edges.append((a, b))
            } else {
                for r in owners.sorted() {
                    if let implied = Self.implied(conjunct, on: r, owner: owner) {
                        plans[r] = .filter(plans[r], implied.remapped(local(r)))
                    }
                }
                remaining.append(conjunct)
            }
        }
        guard relations.count > 1 else { return (plans[0], remaining) }
        func connected(_ set: Set<Int>, _ r: Int) -> Bool {
            edges.contains {
                (set.contains(owner($0.a)) && owner($0.b) == r) || (set.contains(owner($0.b)) && owner($0.a) == r)
            }
        }
        let estimates = plans.map(\.estimatedRows)
        let linked = (0..<relations.count).filter { r in edges.contains { owner($0.a) == r || owner($0.b) == r } }
        let first = (linked.isEmpty ? Array(relations.indices) : linked).min { estimates[$0] < estimates[$1] }!
        var joined: Set<Int> = [first]
        var position: [Int: Int] = [:]
        for i in 0..<relations[first].scope.entries.count { position[offsets[first] + i] = i }
        var plan = plans[first]
        var rows = estimates[first]
        var used = Set<Int>()
        while joined.count < relations.count {
            let candidates = (0..<relations.count).filter { !joined.contains($0) }
            let reachable = candidates.filter { connected(joined, $0) }
            // The rows of joining `r` next, estimated as the join's plan would be.
            func result(_ r: Int) -> Double {
                var leftKeys: [Int] = []
                var rightKeys: [Int] = []
                for edge in edges {
                    let (inner, outer) = owner(edge.a) == r ? (edge.b, edge.a) : (edge.a, edge.b)
                    guard owner(outer) == r, joined.contains(owner(inner)) else { continue }
                    leftKeys.append(position[inner]!)
                    rightKeys.append(outer - offsets[r])
                }
                guard !leftKeys.isEmpty else { return rows * estimates[r] }
                let keyRows = QueryPlan.keyRows(plan, plans[r], leftKeys, rightKeys)
                return QueryPlan.joinRows(rows, estimates[r], keyRows: keyRows)
            }
            let pool = reachable.isEmpty ? candidates : reachable
            let next = pool.min { result($0) < result($1) }!
            var leftKeys: [Int] = []
            var rightKeys: [Int] = []
            for (e, edge) in edges.enumerated() where !used.contains(e) {
                let (inner, outer) = owner(edge.a) == next ? (edge.b, edge.a) : (edge.a, edge.b)
                guard owner(outer) == next, joined.contains(owner(inner)) else { continue }
                leftKeys.append(position[inner]!)
                rightKeys.append(outer - offsets[next])
                used.insert(e)
            }
            let width = plan.types.count
            let nextWidth = relations[next].scope.entries.count
            if leftKeys.isEmpty {
                plan = .cross(plan, plans[next])
                for i in 0..<nextWidth { position[offsets[next] + i] = width + i }
            } else if estimates[next] > rows {
                // The new relation is the larger: it streams (left) past the running result (right).
                plan = .join(plans[next], plan, leftKeys: rightKeys, rightKeys: leftKeys)
                for (column, at) in position { position[column] = at + nextWidth }
                for i in 0..<nextWidth { position[offsets[next] + i] = i }
            } else {
                plan = .join(plan, plans[next], leftKeys: leftKeys, rightKeys: rightKeys)
                for i in 0..<nextWidth { position[offsets[next] + i] = width + i }
            }
            rows = result(next)
            joined.insert(next)
        }
        for (e, edge) in edges.enumerated() where !used.contains(e) {
            remaining.append(.compare(.equal, .column(edge.a, .unknown, name: ""), .column(edge.b, .unknown, name: "")))
        }
        // Back to FROM order.
        let types = plan.types
        let order = (0..<total).map { i in BoundExpression.column(position[i]!, types[position[i]!], name: "#\(i)") }
        if order.enumerated().contains(where: { i, e in if case .column(let p, _, _) = e { p != i } else { true } }) {
            plan = .project(plan, order)
        }
        remaining = remaining.map { conjunct in fixTypes(conjunct, types: order.map(\.type)) }
        return (plan, remaining)
    }

    /// What an `OR` over several relations says about relation `r` alone: the disjunction, over the branches, of
    /// each branch's conjuncts on `r` only; `nil` when some branch says nothing about `r` alone (or `conjunct` is not
    /// an `OR`). Every row the conjunct keeps satisfies it, so it can filter `r` before any join.
    static func implied(_ conjunct: BoundExpression, on r: Int, owner: (Int) -> Int) -> BoundExpression? {
        func branches(_ e: BoundExpression) -> [BoundExpression] {
            if case .or(let a, let b) = e { return branches(a) + branches(b) }
            return [e]
        }
        func parts(_ e: BoundExpression) -> [BoundExpression] {
            if case .and(let a, let b) = e { return parts(a) + parts(b) }
            return [e]
        }
        let disjuncts = branches(conjunct)
        guard disjuncts.count > 1 else { return nil }
        var implied: [BoundExpression] = []
        for branch in disjuncts {
            let own = parts(branch).filter { part in
                let owners = Set(part.columns.map(owner))
                return owners == [r]
            }
            guard let first = own.first else { return nil }
            implied.append(own.dropFirst().reduce(first) { .and($0, $1) })
        }
        return implied.dropFirst().reduce(implied[0]) { .or($0, $1) }
    }

    /// Restores the types of the column references made above without them.
    private func fixTypes(_ expression: BoundExpression, types: [SQLType]) -> BoundExpression {
        if case .compare(let op, .column(let a, .unknown, _), .column(let b, .unknown, _)) = expression {
            return .compare(op, .column(a, types[a], name: "#\(a)"), .column(b, types[b], name: "#\(b)"))
        }
        return expression
    }

    /// Plans one `FROM` item.
    func bindReference(_ reference: SQLTableReference) throws(SQLError) -> Relation {
        switch reference {
        case .table(let name, let alias):
            if name.parts.count == 1 {
                for (depth, tables) in commonTables.enumerated().reversed() {
                    guard let table = tables[name.name.lowercased()] else { continue }
                    var inner = self
                    inner.commonTables = Array(commonTables.prefix(depth))
                    var visible = tables
                    // A WITH query sees the ones defined before it.
                    for other in tables.values where other.location.offset >= table.location.offset {
                        visible.removeValue(forKey: other.name.lowercased())
                    }
                    if !visible.isEmpty { inner.commonTables.append(visible) }
                    let bound = try inner.bind(table.query)
                    return relation(bound, qualifier: alias ?? table.name)
                }
            }
            guard let table = catalog.table(name.parts) else {
                throw error(
                    "unknown table \(name)"
                        + SQLSuggestion.didYouMean(name.name, among: catalog.candidateNames(for: name.parts)),
                    at: name.location
                )
            }
            let schema: Schema
            do {
                schema = try tableSchema(table)
            } catch let failure as SQLError {
                throw failure
            } catch {
                throw self.error("table \(table.qualifiedName): \(error)", at: name.location)
            }
            let types = schema.fields.map { SQLType($0.type) }
            var scope = SQLScope()
            for (field, type) in zip(schema.fields, types) {
                scope.entries.append(
                    .init(qualifier: alias ?? table.name, name: normalizedColumnName(field.name), type: type)
                )
            }
            return Relation(
                plan: .scan(
                    table.planned(bounds: tableBounds(table)),
                    columns: schema.names,
                    types: types,
                    estimatedRows: tableRows(table)
                ),
                scope: scope
            )
        case .subquery(let query, let alias, _):
            return relation(try bind(query), qualifier: alias)
        case .join(let kind, let left, let right, let condition):
            let a = try bindReference(left)
            let b = try bindReference(right)
            var scope = a.scope
            scope.entries += b.scope.entries
            let width = a.scope.entries.count
            if kind == .cross { return Relation(plan: .cross(a.plan, b.plan), scope: scope) }
            var conjuncts: [BoundExpression] = []
            switch condition {
            case .on(let expression):
                for part in splitConjuncts(expression) {
                    conjuncts.append(
                        try coerce(
                            try bind(part, SQLBindingContext(scope: scope)),
                            to: .boolean,
                            at: part.location,
                            what: "ON"
                        )
                    )
                }
            case .using(let columns):
                for column in columns {
                    let location = SQLLocation(offset: 0, line: 1, column: 1)
                    let i = try a.scope.resolve([column], at: location, in: text)
                    let j = try b.scope.resolve([column], at: location, in: text)
                    conjuncts.append(
                        try comparison(
                            .equal,
                            .column(i, a.scope.entries[i].type, name: column),
                            .column(width + j, b.scope.entries[j].type, name: column),
                            at: location
                        )
                    )
                    scope.entries[width + j].qualifiedOnly = true
                }
            case .none:
                break
            }
            if kind == .inner {
                let (plan, remaining) = joinAll([a, b], conjuncts)
                return Relation(plan: remaining.reduce(plan) { .filter($0, $1) }, scope: scope)
            }
            return Relation(plan: try outerJoin(kind, a, b, conjuncts), scope: scope)
        }
    }

    /// `LEFT`, `RIGHT` or `FULL` join on equalities between the sides; a condition on the side whose rows are optional
    /// filters that side first.
    private func outerJoin(
        _ kind: SQLJoinKind,
        _ a: Relation,
        _ b: Relation,
        _ conjuncts: [BoundExpression]
    ) throws(SQLError) -> QueryPlan {
        let width = a.scope.entries.count
        var left = a.plan
        var right = b.plan
        var leftKeys: [Int] = []
        var rightKeys: [Int] = []
        for conjunct in conjuncts {
            let columns = conjunct.columns
            if case .compare(.equal, .column(let x, let tx, _), .column(let y, let ty, _)) = conjunct, tx == ty,
                (x < width) != (y < width)
            {
                leftKeys.append(min(x, y))
                rightKeys.append(max(x, y) - width)
            } else if kind == .left, columns.allSatisfy({ $0 >= width }) {
                let map = Dictionary(uniqueKeysWithValues: columns.map { ($0, $0 - width) })
                right = .filter(right, conjunct.remapped(map))
            } else if kind == .right, columns.allSatisfy({ $0 < width }) {
                left = .filter(left, conjunct)
            } else {
                throw error(
                    "\(kind.rawValue) JOIN … ON supports equalities between columns of the two sides (of one type), and "
                        + "conditions on the side whose rows are optional; not \(conjunct)",
                    at: nil
                )
            }
        }
        guard !leftKeys.isEmpty else {
            throw error("\(kind.rawValue) JOIN needs at least one equality between the two sides", at: nil)
        }
        switch kind {
        case .left:
            return .hashJoin(left, right, leftKeys: leftKeys, rightKeys: rightKeys, kind: .left, nullAware: false)
        case .full:
            return .hashJoin(left, right, leftKeys: leftKeys, rightKeys: rightKeys, kind: .full, nullAware: false)
        default:
            // RIGHT: the right side probes, the left is built; the columns go back to left, right.
            let joined = QueryPlan.hashJoin(
                right,
                left,
                leftKeys: rightKeys,
                rightKeys: leftKeys,
                kind: .left,
                nullAware: false
            )
            let rightWidth = b.scope.entries.count
            let types = joined.types
            let order = (0..<width).map { rightWidth + $0 } + (0..<rightWidth).map { $0 }
            return .project(joined, order.map { .column($0, types[$0], name: "#\($0)") })
        }
    }

    private func relation(_ bound: BoundQuery, qualifier: String?) -> Relation {
        var scope = SQLScope()
        for (name, type) in zip(bound.names, bound.plan.types) {
            scope.entries.append(.init(qualifier: qualifier, name: name, type: type))
        }
        return Relation(plan: bound.plan, scope: scope)
    }
}
