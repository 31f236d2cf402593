import Foundation

/// Progress lines on stderr (stdout carries the report or the JSON).
func progress(_ text: String) {
    FileHandleOut.stderr(text + "\n")
}

enum FileHandleOut {
    static func stderr(_ text: String) {
        Foundation.FileHandle.standardError.write(Data(text.utf8))
    }

    static func stdout(_ text: String) {
        Foundation.FileHandle.standardOutput.write(Data(text.utf8))
    }
}
