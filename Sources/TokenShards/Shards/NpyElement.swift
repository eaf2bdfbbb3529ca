/// Element types that ``NpyWriter`` and ``NpyArray`` store: little-endian fixed-width numbers.
public protocol NpyElement: Sendable {
    /// The NumPy `descr` string, e.g. `<i4`.
    static var npyDescriptor: String { get }
}

extension UInt16: NpyElement { public static var npyDescriptor: String { "<u2" } }
extension Int32: NpyElement { public static var npyDescriptor: String { "<i4" } }
extension Int64: NpyElement { public static var npyDescriptor: String { "<i8" } }
extension Float: NpyElement { public static var npyDescriptor: String { "<f4" } }
