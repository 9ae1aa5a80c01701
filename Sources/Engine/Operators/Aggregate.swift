/// An aggregate function of a group-by.
///
/// Output types: `count`/`countAll` give `int64` (0 for a group without values); `sum` of any integer type
/// gives `int64` (an overflow is an error), of `float`/`double` gives `double`; `avg` gives `double`;
/// `min`/`max` keep the input type. `sum`, `avg`, `min` and `max` ignore nulls and give null for a group
/// with no non-null value.
public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    /// The number of rows of the group (`count(*)`); takes no column.
    case countAll = "count(*)"
    /// The number of non-null values of the column.
    case count
    case sum
    case min
    case max
    case avg
}

/// One output column of a group-by: a function over an input column, named `name`.
public struct Aggregate: Sendable, Hashable {
    /// The function.
    public var function: AggregateFunction
    /// The input column; `nil` for ``AggregateFunction/countAll``.
    public var column: String?
    /// The output column name.
    public var name: String

    /// `function(column) AS name`.
    public init(_ function: AggregateFunction, _ column: String?, as name: String) {
        self.function = function
        self.column = column
        self.name = name
    }

    /// `count(*) AS name`.
    public static func countAll(as name: String) -> Aggregate {
        Aggregate(.countAll, nil, as: name)
    }
}
