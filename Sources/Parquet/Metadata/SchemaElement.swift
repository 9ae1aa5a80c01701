/// One node of the schema tree, which the footer flattens depth first; the first element is the root.
public struct SchemaElement: Sendable, Hashable {
    /// The physical type; `nil` for groups (field 1).
    public var type: PhysicalType?
    /// The byte width of FIXED_LEN_BYTE_ARRAY values (field 2).
    public var typeLength: Int32?
    /// Required, optional or repeated; `nil` for the root (field 3).
    public var repetitionType: FieldRepetitionType?
    /// The field name (field 4, required).
    public var name: String
    /// The number of children of a group (field 5).
    public var numChildren: Int32?
    /// The legacy annotation (field 6).
    public var convertedType: ConvertedType?
    /// Decimal scale, mirrored from the logical type (field 7).
    public var scale: Int32?
    /// Decimal precision, mirrored from the logical type (field 8).
    public var precision: Int32?
    /// The original field id (field 9).
    public var fieldID: Int32?
    /// The logical annotation (field 10).
    public var logicalType: LogicalType?
    /// The slot count of a VECTOR field (field 11).
    public var vectorLength: Int32?

    public init(
        type: PhysicalType? = nil,
        typeLength: Int32? = nil,
        repetitionType: FieldRepetitionType? = nil,
        name: String = "",
        numChildren: Int32? = nil,
        convertedType: ConvertedType? = nil,
        scale: Int32? = nil,
        precision: Int32? = nil,
        fieldID: Int32? = nil,
        logicalType: LogicalType? = nil,
        vectorLength: Int32? = nil
    ) {
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
        self.vectorLength = vectorLength
    }
}
