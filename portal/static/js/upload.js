// Upload areas of step 2, progressive enhancement only: without this file each area is a
// plain multipart form with a "Tải lên" button and the server redirects back with a message.
// With it: drag-and-drop onto an area, one POST per file with its own progress bar, and the
// server's updated area (templates/citizen/_requirement.html) swapped in after each file.
(() => {
  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  const sendOne = (form, file, row) => new Promise((resolve) => {
    const data = new FormData();
    data.append("files", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("HX-Request", "true"); // the server answers with the area alone
    const bar = row.querySelector("progress");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    };
    request.onload = () => resolve({ status: request.status, html: request.responseText });
    request.onerror = () => resolve({ status: 0, html: "" });
    request.send(data);
  });

  // The area as it is in the page now: another upload into it may have replaced it meanwhile.
  const live = (area) => document.getElementById(area.id) || area;

  const swap = (area, html) => {
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.firstElementChild;
    if (!fresh || !fresh.classList.contains("upload-area")) return area;
    const hadFocus = area.contains(document.activeElement);
    area.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh); // the remove buttons use hx-post
    init(fresh);
    // The element that had the focus is gone: give it to the new area's file input, so a
    // keyboard user is not thrown back to the top of the page after each file.
    if (hadFocus) {
      const input = fresh.querySelector("input[type=file]");
      if (input) input.focus();
    }
    return fresh;
  };

  const showErrors = (area, messages) => {
    if (!messages.length) return;
    const box = area.querySelector(".upload-error");
    if (!box) return;
    box.textContent = messages.join(" ");
    box.classList.add("d-block");
    const input = area.querySelector("input[type=file]");
    if (input) {
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      // The limits stated under the input stay part of its description.
      const rules = area.querySelector(".upload-rules");
      input.setAttribute("aria-describedby", [rules && rules.id, box.id].filter(Boolean).join(" "));
    }
  };

  const upload = async (area, files) => {
    files = Array.from(files);
    const list = area.querySelector(".upload-progress");
    const rows = files.map((file) => {
      const row = document.createElement("li");
      const label = document.createElement("span");
      label.className = "text-break"; // long names without spaces must wrap on a phone
      label.textContent = `${file.name} `;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      row.append(label, bar);
      list.append(row);
      return row;
    });
    const messages = [];
    let current = area;
    // One file at a time: each answer is the whole area, so the last one shows every file.
    for (const [index, file] of files.entries()) {
      current = live(current);
      const form = current.querySelector("form.upload-form");
      const answer = await sendOne(form, file, rows[index]);
      current = live(current);
      if (answer.status === 200 || answer.status === 422) {
        const holder = document.createElement("div");
        holder.innerHTML = answer.html;
        const error = holder.querySelector(".upload-error");
        if (answer.status === 422 && error && error.textContent.trim()) {
          messages.push(error.textContent.trim());
        }
        current = swap(current, answer.html);
        // Keep the bars of the files still waiting in the new area.
        const fresh = current.querySelector(".upload-progress");
        if (fresh) rows.slice(index + 1).forEach((row) => fresh.append(row));
      } else {
        rows[index].remove();
        const failed = current.dataset.failedMessage || "";
        messages.push(`${file.name}: ${failed}`);
      }
    }
    showErrors(live(current), messages);
  };

  const init = (root) => {
    const areas = Array.from(root.querySelectorAll(".upload-area"));
    // htmx:load and swap() hand over the area itself, which querySelectorAll leaves out.
    if (root.matches && root.matches(".upload-area")) areas.push(root);
    areas.forEach((area) => {
      if (area.dataset.uploadReady) return;
      area.dataset.uploadReady = "1";
      const input = area.querySelector("input[type=file]");
      const button = area.querySelector(".upload-submit");
      if (button) button.hidden = true; // files go up as soon as they are chosen
      if (input) input.addEventListener("change", () => {
        const chosen = Array.from(input.files);
        input.value = ""; // choosing the same file again after a failure still uploads it
        if (chosen.length) upload(area, chosen);
      });
      area.addEventListener("dragover", (event) => {
        event.preventDefault();
        area.classList.add("dragover");
      });
      area.addEventListener("dragleave", (event) => {
        // Moving over the area's own children fires dragleave too.
        if (!area.contains(event.relatedTarget)) area.classList.remove("dragover");
      });
      area.addEventListener("drop", (event) => {
        event.preventDefault();
        area.classList.remove("dragover");
        if (event.dataTransfer && event.dataTransfer.files.length) {
          upload(area, event.dataTransfer.files);
        }
      });
    });
  };

  const confirmForms = (root) => {
    root.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  };

  // A file dropped beside an area would make the browser leave the page to show the file.
  const keepPageOnStrayDrop = () => {
    if (!document.querySelector(".upload-area")) return;
    ["dragover", "drop"].forEach((type) => document.addEventListener(type, (event) => {
      if (!event.target.closest || !event.target.closest(".upload-area")) event.preventDefault();
    }));
  };

  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    confirmForms(document);
    keepPageOnStrayDrop();
  });
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
})();
