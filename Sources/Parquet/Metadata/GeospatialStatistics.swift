/// A bounding box of geospatial values.
public struct BoundingBox: Sendable, Hashable {
    public var xmin: Double = 0  // field 1
    public var xmax: Double = 0  // field 2
    public var ymin: Double = 0  // field 3
    public var ymax: Double = 0  // field 4
    public var zmin: Double?  // field 5
    public var zmax: Double?  // field 6
    public var mmin: Double?  // field 7
    public var mmax: Double?  // field 8

    public init() {}
}

/// Statistics of GEOMETRY and GEOGRAPHY columns.
public struct GeospatialStatistics: Sendable, Hashable {
    /// Field 1.
    public var bbox: BoundingBox?
    /// Geospatial type codes (field 2).
    public var geospatialTypes: [Int32]?

    public init(bbox: BoundingBox? = nil, geospatialTypes: [Int32]? = nil) {
        self.bbox = bbox
        self.geospatialTypes = geospatialTypes
    }
}

/// The edge interpolation of GEOGRAPHY values.
public enum EdgeInterpolationAlgorithm: Int32, Sendable, Hashable, CaseIterable {
    case spherical = 0
    case vincenty = 1
    case thomas = 2
    case andoyer = 3
    case karney = 4
}
