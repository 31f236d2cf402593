import Platform
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SystemFileTests {
    @Test func writtenBytesReadBackAndFailuresNameTheCallAndPath() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-platform-")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/file"
        let file = try SystemFile.open(path, flags: [.readWrite, .create])
        try file.write(Array("hello".utf8), at: 0)
        try file.syncData()
        #expect(try file.size() == 5)
        #expect(try file.read(count: 10, at: 1) == Array("ello".utf8))
        file.close()

        let missing = dir + "/missing"
        #expect {
            _ = try SystemFile.open(missing, flags: .readOnly)
        } throws: { error in
            guard let io = error as? IOError else { return false }
            return io.call == "open" && io.path == missing && io.errno == Errno.notFound
                && io.description.contains("No such file or directory")
        }
    }
}
