<!-- title: สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ปีงบประมาณ ๒๕๖๘ -->
<table width="100%" border="1" cellspacing="0" cellpadding="3">
<tr bgcolor="#CCE0B0"><td>รอบ</td><td>เรื่องร้องเรียนทั้งหมด</td><td>ดำเนินการแล้วเสร็จ</td><td>อยู่ระหว่างดำเนินการ</td></tr>
<tr><td>ต.ค. ๖๗ - มี.ค. ๖๘</td><td align="center">๑</td><td align="center">๑</td><td align="center">๐</td></tr>
<tr><td>เม.ย. ๖๘ - ก.ย. ๖๘</td><td align="center">๒</td><td align="center">๑</td><td align="center">๑</td></tr>
</table>
